package io.inferbroker.replay.internal;

import io.inferbroker.replay.Discrepancy;
import io.inferbroker.replay.Discrepancy.Kind;
import io.inferbroker.replay.Reconciliation;
import io.inferbroker.replay.ReplayFilter;
import io.inferbroker.replay.ReplayRange;
import io.inferbroker.replay.SkippedRecords;
import io.inferbroker.schemas.Price;
import io.inferbroker.store.api.LedgerEntry;
import io.inferbroker.store.api.ResultLedger;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Recomputes each job's cost from its first terminal result, the batch it ran in and its worker's
 * price, then compares it with the recorded cost and the store. Holds one small tally per job with a
 * result in the range. Not thread-safe.
 */
public final class Reconciler {
    private final ReplayFilter filter;
    private final PriceHistory prices;
    private final BatchSizes batches;
    private final Map<String, Tally> jobs = new HashMap<>();

    public Reconciler(ReplayFilter filter, PriceHistory prices, BatchSizes batches) {
        this.filter = filter;
        this.prices = prices;
        this.batches = batches;
    }

    /** Takes one record of the results topic. */
    public void addResult(ConsumerRecord<byte[], byte[]> record) {
        Views.ResultView r = Views.result(record);
        if (!filter.matches(r.jobId(), r.tenantId(), r.model(), r.workerId())) {
            return;
        }
        Tally t = jobs.get(r.jobId());
        if (t != null) {
            t.attempts.add(r.attempt());
            return;
        }
        JobUse use = JobUse.of(r, batches);
        Optional<Price> price = prices.at(r.workerId(), r.timings().completedAt());
        BigDecimal expected =
                price.map(p -> Rating.cost(p, r.usage(), use.gpuTime())).orElse(use.recordedCost());
        jobs.put(r.jobId(), new Tally(r, use.recordedCost(), expected, price.isPresent()));
    }

    /** Compares every tally with the store, {@link ResultLedger#MAX_IDS} jobs per query. */
    public Reconciliation finish(ResultLedger ledger, ReplayRange range, long recordsRead, SkippedRecords skipped) {
        List<Discrepancy> found = new ArrayList<>();
        List<String> ids = new ArrayList<>(jobs.keySet());
        for (int i = 0; i < ids.size(); i += ResultLedger.MAX_IDS) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + ResultLedger.MAX_IDS));
            Map<String, LedgerEntry> stored = ledger.find(chunk);
            for (String id : chunk) {
                check(jobs.get(id), stored.get(id), found);
            }
        }
        found.sort(Comparator.comparing(Discrepancy::jobId).thenComparing(Discrepancy::kind));
        return new Reconciliation(range, jobs.size(), found, recordsRead, skipped);
    }

    private static void check(Tally t, LedgerEntry stored, List<Discrepancy> found) {
        Views.ResultView r = t.first;
        if (t.priced && t.recorded.compareTo(t.expected) != 0) {
            found.add(new Discrepancy(
                    Kind.COST_MISMATCH,
                    r.jobId(),
                    r.tenantId(),
                    "result (attempt " + r.attempt() + ") records " + t.recorded.toPlainString()
                            + ", recomputed from usage, batch and worker price: " + t.expected.toPlainString()));
        }
        boolean duplicate = t.attempts.size() > 1;
        if (duplicate) {
            found.add(new Discrepancy(
                    Kind.DUPLICATE_TERMINAL,
                    r.jobId(),
                    r.tenantId(),
                    t.attempts.size() + " terminal results on the topic, attempts " + t.attempts));
        }
        if (stored == null || !stored.status().isTerminal()) {
            found.add(new Discrepancy(
                    Kind.MISSING_RESULT,
                    r.jobId(),
                    r.tenantId(),
                    "the topic holds a " + r.status().wireName() + " result (attempt " + r.attempt()
                            + ") but the store "
                            + (stored == null
                                    ? "has no such job"
                                    : "shows it " + stored.status().wireName())));
            return;
        }
        BigDecimal storedCost =
                stored.cost() == null ? BigDecimal.ZERO : stored.cost().amount();
        if (storedCost.compareTo(t.expected) != 0) {
            found.add(new Discrepancy(
                    Kind.COST_MISMATCH,
                    r.jobId(),
                    r.tenantId(),
                    "store holds " + storedCost.toPlainString() + ", recomputed " + t.expected.toPlainString()));
        }
        if (!duplicate && stored.resultsReceived() > 1) {
            found.add(new Discrepancy(
                    Kind.DUPLICATE_TERMINAL,
                    r.jobId(),
                    r.tenantId(),
                    "the store received " + stored.resultsReceived() + " terminal results"));
        }
    }

    /** One job's first terminal result and the attempts of all its results. */
    private static final class Tally {
        private final Views.ResultView first;
        private final BigDecimal recorded;
        private final BigDecimal expected;
        private final boolean priced;
        private final List<Integer> attempts = new ArrayList<>(1);

        Tally(Views.ResultView first, BigDecimal recorded, BigDecimal expected, boolean priced) {
            this.first = first;
            this.recorded = recorded;
            this.expected = expected;
            this.priced = priced;
            attempts.add(first.attempt());
        }
    }
}
