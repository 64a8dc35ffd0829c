package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.ModelBatching;
import io.inferbroker.dispatcher.RoutingPolicy;
import io.inferbroker.dispatcher.RoutingVerdict;
import io.inferbroker.dispatcher.WorkerCandidate;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the queues of the models of one repartition partition: admits jobs (ignoring job ids seen
 * before), ends queued jobs that are canceled or past their deadline, and on a wall-clock tick closes
 * the batches that are due, routes them to workers with headroom, and publishes the queue statuses
 * that are due ({@link QueueReporter}). Times come from the task's
 * wall clock, so tests drive them with {@code advanceWallClockTime}. One instance per task.
 */
final class DispatchProcessor implements Processor<String, Envelope, String, Outbound> {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchProcessor.class);
    /** Bounds one tick's work per model, so one busy model cannot hold the thread. */
    private static final int MAX_BATCHES_PER_TICK = 64;

    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);
    private static final int MAX_PURGED_PER_TICK = 10_000;

    private final DispatcherConfig config;
    private final RoutingPolicy policy;
    private final DispatcherMetrics metrics;
    private final QueueReporter queues = new QueueReporter();
    private ProcessorContext<String, Outbound> context;
    private JobBook book;
    private WorkerDirectory workers;
    private Instant nextPurge = Instant.MIN;

    DispatchProcessor(DispatcherConfig config, RoutingPolicy policy, DispatcherMetrics metrics) {
        this.config = config;
        this.policy = policy;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Outbound> ctx) {
        this.context = ctx;
        this.book = new JobBook(
                ctx.getStateStore(StoreNames.JOBS),
                ctx.getStateStore(StoreNames.QUEUE),
                ctx.getStateStore(StoreNames.OUTSTANDING),
                ctx.getStateStore(StoreNames.RETIRE),
                config.dedupeRetention());
        this.workers = new WorkerDirectory(ctx.getStateStore(StoreNames.WORKERS), config.workerLease());
        book.rebuild();
        book.modelsWithQueue().forEach(model -> metrics.queueDepth(model, book.queued(model)));
        ctx.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, Envelope> record) {
        if (record.value() == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        switch (record.value()) {
            case Envelope.Admit admit -> admit(admit.job(), now);
            case Envelope.Finish finish -> finish(finish, now);
            case Envelope.Cancel cancel -> cancel(cancel, now);
        }
    }

    @Override
    public void close() {
        if (book == null) {
            return; // init failed; nothing was reported
        }
        // The queues move with the task; another instance reports them from now on.
        book.modelsWithQueue().forEach(model -> metrics.queueDepth(model, 0));
    }

    private void admit(JobRequested job, Instant now) {
        JobEntry known = book.entry(job.jobId());
        if (known != null && known.state() != JobEntry.State.CANCEL_REQUESTED) {
            metrics.duplicateIgnored(job.model());
            return;
        }
        if (known != null && known.tenantId().equals(job.tenantId())) {
            // The cancel overtook its job (another topic): the job ends canceled without queuing.
            book.rememberFinished(job.jobId(), job.model(), job.tenantId(), now);
            emit(JobOutcomes.canceled(job, "canceled before it was queued", now), now);
            metrics.jobCanceled(job.model());
            return;
        }
        Instant deadline = job.deadline();
        if (deadline != null && !deadline.isAfter(now)) {
            book.rememberFinished(job.jobId(), job.model(), job.tenantId(), now);
            emit(JobOutcomes.expired(job, now), now);
            metrics.jobExpired(job.model());
            return;
        }
        book.enqueue(job, now);
        metrics.jobAdmitted(job.model());
        forward(job.jobId(), new Outbound.Event(JobOutcomes.queued(job, now)), now);
        int queued = book.queued(job.model());
        metrics.queueDepth(job.model(), queued);
        if (queued >= config.batchingFor(job.model()).maxBatchSize()) {
            expirePastDeadline(now);
            dispatchDue(job.model(), now);
        }
    }

    private void finish(Envelope.Finish finish, Instant now) {
        JobEntry entry = book.entry(finish.jobId());
        if (entry == null) {
            book.rememberFinished(finish.jobId(), finish.model(), finish.tenantId(), now);
            return;
        }
        if (entry.state() == JobEntry.State.FINISHED) {
            return;
        }
        if (book.finish(finish.jobId(), entry, now) != null) {
            metrics.queueDepth(entry.model(), book.queued(entry.model()));
        }
    }

    private void cancel(Envelope.Cancel cancel, Instant now) {
        JobEntry entry = book.entry(cancel.jobId());
        if (entry == null) {
            book.rememberCancel(cancel.jobId(), cancel.tenantId(), now);
            return;
        }
        if (!entry.tenantId().equals(cancel.tenantId())) {
            LOG.warn(
                    "ignoring a cancel of job {} from tenant {}, which does not own it",
                    cancel.jobId(),
                    cancel.tenantId());
            return;
        }
        boolean queued = switch (entry.state()) {
            case QUEUED -> true;
            case DISPATCHED -> {
                LOG.debug(
                        "job {} is on worker {}; canceling it there is the worker's part",
                        cancel.jobId(),
                        entry.workerId());
                yield false;
            }
            case FINISHED, CANCEL_REQUESTED -> false;
        };
        if (!queued) {
            return;
        }
        QueuedJob removed = book.finish(cancel.jobId(), entry, now);
        if (removed != null) {
            emit(JobOutcomes.canceled(removed.job(), cancel.reason(), now), now);
            metrics.jobCanceled(entry.model());
            metrics.queueDepth(entry.model(), book.queued(entry.model()));
        }
    }

    private void tick(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        expirePastDeadline(now);
        for (String model : book.modelsWithQueue()) {
            dispatchDue(model, now);
        }
        for (QueueStatus status : queues.due(book, now)) {
            forward(status.model(), new Outbound.Queue(status), now);
        }
        if (!now.isBefore(nextPurge)) {
            book.purgeRetired(now, MAX_PURGED_PER_TICK);
            nextPurge = now.plus(PURGE_EVERY);
        }
    }

    private void expirePastDeadline(Instant now) {
        for (String jobId : book.pastDeadline(now)) {
            JobEntry entry = book.entry(jobId);
            QueuedJob queued =
                    entry != null && entry.state() == JobEntry.State.QUEUED ? book.finish(jobId, entry, now) : null;
            if (queued == null) {
                book.unindex(jobId);
                continue;
            }
            emit(JobOutcomes.expired(queued.job(), now), now);
            metrics.jobExpired(entry.model());
            metrics.queueDepth(entry.model(), book.queued(entry.model()));
        }
    }

    /** Closes batches of {@code model} while one is due and a worker can take it. */
    private void dispatchDue(String model, Instant now) {
        ModelBatching batching = config.batchingFor(model);
        @Nullable List<WorkerStatus> usable = null;
        for (int i = 0; i < MAX_BATCHES_PER_TICK; i++) {
            int queued = book.queued(model);
            OptionalLong oldest = book.oldestQueuedAt(model);
            Duration waited =
                    oldest.isPresent() ? Duration.ofMillis(now.toEpochMilli() - oldest.getAsLong()) : Duration.ZERO;
            if (!batching.isDue(queued, waited)) {
                return;
            }
            if (usable == null) {
                usable = workers.usableFor(model, now);
            }
            List<WorkerCandidate> candidates = usable.stream()
                    .map(s -> new WorkerCandidate(s, book.outstanding(s.workerId())))
                    .toList();
            int wanted = Math.min(queued, batching.maxBatchSize());
            Grant grant = grant(policy.route(model, wanted, candidates, now), candidates, wanted);
            if (grant == null) {
                return;
            }
            dispatch(model, grant.workerId(), book.head(model, grant.jobs()), now);
        }
    }

    /** Jobs actually sent to one worker. */
    private record Grant(String workerId, int jobs) {}

    /** What the dispatcher actually sends: the route's size, never beyond what waits or the worker's headroom. */
    private static @Nullable Grant grant(RoutingVerdict verdict, List<WorkerCandidate> candidates, int wanted) {
        return switch (verdict) {
            case RoutingVerdict.NoWorker none -> null;
            case RoutingVerdict.Route route -> {
                for (WorkerCandidate c : candidates) {
                    if (c.workerId().equals(route.workerId())) {
                        int jobs = Math.min(Math.min(route.jobs(), wanted), c.headroom());
                        yield jobs > 0 ? new Grant(route.workerId(), jobs) : null;
                    }
                }
                LOG.warn("routing chose worker {}, which is not a usable candidate; no batch sent", route.workerId());
                yield null;
            }
        };
    }

    private void dispatch(String model, String workerId, List<QueuedJob> jobs, Instant now) {
        if (jobs.isEmpty()) {
            return;
        }
        DispatchBatch batch = JobOutcomes.batch(UUID.randomUUID().toString(), workerId, model, jobs, now);
        book.markDispatched(jobs, workerId, now);
        forward(workerId, new Outbound.Batch(batch), now);
        for (QueuedJob q : jobs) {
            forward(q.job().jobId(), new Outbound.Event(JobOutcomes.dispatched(q.job(), workerId, now)), now);
        }
        metrics.batchDispatched(model, jobs.size());
        metrics.queueDepth(model, book.queued(model));
    }

    private void emit(List<Outbound> outputs, Instant now) {
        for (Outbound out : outputs) {
            String key = switch (out) {
                case Outbound.Batch b -> b.batch().workerId();
                case Outbound.Event e -> e.event().jobId();
                case Outbound.Result r -> r.result().jobId();
                case Outbound.Queue q -> q.status().model();
            };
            forward(key, out, now);
        }
    }

    private void forward(String key, Outbound value, Instant now) {
        context.forward(new Record<>(key, value, now.toEpochMilli()));
    }
}
