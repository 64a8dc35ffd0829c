package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.BudgetPeriod;
import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.TenantBudget;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobRequested;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * Admission by budget, for tenants that have one. Its input is keyed by tenant, so every admission
 * and every settlement of one tenant runs in this one task, one record at a time: concurrent
 * submissions through any number of ingress instances cannot overspend. A job is admitted when what
 * the tenant spent, plus what it has reserved, plus this job's estimate ({@link CostEstimate}) stays
 * within the budget; the estimate is then reserved and the job goes on to its model's queue. Otherwise
 * the job ends {@code rejected} with code {@code budget_exceeded}. A job's result replaces its
 * reservation by its actual cost (zero for a job that ended without running or reported no cost).
 * One instance per task.
 */
final class BudgetProcessor implements Processor<String, Envelope, String, Outbound> {
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);
    private static final int MAX_PURGED_PER_TICK = 10_000;

    private final DispatcherConfig config;
    private final DispatcherMetrics metrics;
    private ProcessorContext<String, Outbound> context;
    private KeyValueStore<String, BudgetLedger> ledgers;
    private KeyValueStore<String, Reservation> reservations;
    private CostEstimate estimate;

    BudgetProcessor(DispatcherConfig config, DispatcherMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Outbound> ctx) {
        this.context = ctx;
        this.ledgers = ctx.getStateStore(StoreNames.BUDGETS);
        this.reservations = ctx.getStateStore(StoreNames.RESERVATIONS);
        this.estimate = new CostEstimate(
                config, new WorkerDirectory(ctx.getStateStore(StoreNames.WORKERS), config.workerLease()));
        ctx.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<String, Envelope> record) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        switch (record.value()) {
            case Envelope.Admit admit -> admit(admit.job(), now);
            case Envelope.Finish finish -> settle(finish, now);
            case Envelope.Cancel cancel -> {} // cancels never come this way
            case null -> {}
        }
    }

    private void admit(JobRequested job, Instant now) {
        TenantBudget budget = config.budgets().get(job.tenantId());
        Reservation known = reservations.get(job.jobId());
        if (budget == null || (known != null && known.state() != Reservation.State.REJECTED)) {
            // No budget (any more), or a replay of a job already judged: the model's queue dedupes it.
            forward(job.jobId(), new Outbound.Admitted(job), now);
            return;
        }
        if (known != null) {
            return; // rejected before; its result is out already
        }
        BudgetLedger ledger = ledger(job.tenantId(), now);
        BigDecimal cost = estimate.of(job, now);
        BigDecimal after = ledger.committed().add(cost);
        if (after.compareTo(budget.limit()) > 0) {
            reservations.put(
                    job.jobId(), new Reservation(job.tenantId(), BigDecimal.ZERO, Reservation.State.REJECTED, now));
            String message = "tenant " + job.tenantId() + " has committed "
                    + ledger.committed().toPlainString()
                    + " of its budget of " + budget.limit().toPlainString() + " " + budget.currency()
                    + (budget.period() == BudgetPeriod.TOTAL ? "" : " for " + ledger.period())
                    + "; this job is estimated at " + cost.toPlainString();
            for (Outbound out : JobOutcomes.rejected(job, message, now)) {
                forward(job.jobId(), out, now);
            }
            metrics.budgetRejected(job.model());
            return;
        }
        ledgers.put(job.tenantId(), ledger.reserve(cost));
        reservations.put(job.jobId(), new Reservation(job.tenantId(), cost, Reservation.State.RESERVED, now));
        forward(job.jobId(), new Outbound.Admitted(job), now);
    }

    private void settle(Envelope.Finish finish, Instant now) {
        Reservation r = reservations.get(finish.jobId());
        if (r == null || r.state() != Reservation.State.RESERVED) {
            return; // not reserved here, or settled already (a second result after a failover)
        }
        BigDecimal actual = actualCost(finish.cost());
        // A job reserved in one period and finished in the next counts against the period it finished in.
        ledgers.put(r.tenantId(), ledger(r.tenantId(), now).settle(r.amount(), actual));
        reservations.put(finish.jobId(), new Reservation(r.tenantId(), actual, Reservation.State.SETTLED, now));
    }

    private static BigDecimal actualCost(@Nullable Cost cost) {
        if (cost == null || cost.amount().signum() <= 0) {
            return BigDecimal.ZERO;
        }
        // Another currency cannot be converted here; such costs are counted as they are (see the README).
        return cost.amount();
    }

    /** The tenant's ledger in the period {@code now} falls in (spending reset when a new period began). */
    private BudgetLedger ledger(String tenantId, Instant now) {
        BudgetLedger ledger = ledgers.get(tenantId);
        TenantBudget budget = config.budgets().get(tenantId);
        BudgetPeriod period = budget == null ? BudgetPeriod.TOTAL : budget.period();
        return (ledger == null ? BudgetLedger.EMPTY : ledger).in(period.keyOf(now));
    }

    /** Forgets settled and rejected reservations older than the dedupe retention. */
    private void purge(long wallClockMillis) {
        Instant cutoff = Instant.ofEpochMilli(wallClockMillis).minus(config.dedupeRetention());
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Reservation> it = reservations.all()) {
            while (it.hasNext() && old.size() < MAX_PURGED_PER_TICK) {
                KeyValue<String, Reservation> kv = it.next();
                if (kv.value.state() != Reservation.State.RESERVED
                        && kv.value.at().isBefore(cutoff)) {
                    old.add(kv.key);
                }
            }
        }
        old.forEach(reservations::delete);
    }

    private void forward(String key, Outbound value, Instant now) {
        context.forward(new Record<>(key, value, now.toEpochMilli()));
    }
}
