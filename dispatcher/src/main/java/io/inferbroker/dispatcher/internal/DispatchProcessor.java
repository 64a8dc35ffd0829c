package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.ModelBatching;
import io.inferbroker.dispatcher.RoutingPolicy;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the queues of the models of one repartition partition: admits jobs (ignoring job ids seen
 * before), ends queued jobs that are canceled or past their deadline, forwards cancels of dispatched
 * jobs to their workers, and on a wall-clock tick closes the batches that are due, routes them
 * ({@link Router}), dispatches again the jobs of lost workers, and publishes the queue statuses that
 * are due ({@link QueueReporter}). Times come from the task's wall clock, so tests drive them with
 * {@code advanceWallClockTime}. One instance per task.
 */
final class DispatchProcessor implements Processor<String, Envelope, String, Outbound> {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchProcessor.class);
    /** Bounds one tick's work per model, so one busy model cannot hold the thread. */
    private static final int MAX_BATCHES_PER_TICK = 64;

    /** How often workers with jobs in flight are checked for a lost lease. */
    private static final Duration LEASE_CHECK_EVERY = Duration.ofMillis(100);
    /** Bounds one check's work on timed-out jobs; the rest wait for the next check. */
    private static final int MAX_TIMED_OUT_PER_CHECK = 1_000;

    private final DispatcherConfig config;
    private final @Nullable RoutingPolicy override;
    private final DispatcherMetrics metrics;
    private final QueueReporter queues = new QueueReporter();
    private final Breakers breakers;
    private final FleetVersion fleet;
    private final PollPacer pacer;
    private ProcessorContext<String, Outbound> context;
    private JobBook book;
    private WorkerDirectory workers;
    private Router router;
    private Instant nextLeaseCheck = Instant.MIN;
    private final ResultsHorizon horizon;
    /**
     * Whether the results a lost or restarted worker published before it went were read: sending
     * again a job whose result waits unread would run it twice.
     */
    private Catchup catchup;
    /** When this task next needs its tick, as its stream thread's consumer reads it. */
    private PollPacer.Wake wake;
    /** Whether the task has the stores of the earlier layout, to carry their jobs over. */
    private final boolean carryOver;
    /** The earlier layout's stores until the book opened with them. */
    private @Nullable LegacyStores legacy;

    DispatchProcessor(DispatchProcessorSupplier setup) {
        this.carryOver = setup.carryOver();
        this.config = setup.config();
        this.pacer = setup.pacer();
        this.horizon = setup.horizon();
        this.fleet = setup.fleet();
        this.override = setup.override();
        this.metrics = setup.metrics();
        this.breakers = new Breakers(config.breaker());
    }

    @Override
    public void init(ProcessorContext<String, Outbound> ctx) {
        this.context = ctx;
        this.book = new JobBook(
                ctx.getStateStore(StoreNames.ACTIVE),
                ctx.getStateStore(StoreNames.DONE),
                config.dedupeRetention(),
                config.priorityAging());
        this.legacy = carryOver ? LegacyStores.of(ctx) : null;
        this.workers = new WorkerDirectory(ctx.getStateStore(StoreNames.WORKERS), config.workerLease(), fleet);
        this.router = new Router(config, override, workers, breakers, book);
        catchup = new Catchup(
                horizon,
                new TopicPartition(config.topics().results(), ctx.taskId().partition()));
        // The book opens (reads the stores back) with the first record or tick, which comes at once.
        wake = pacer.register();
        ctx.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, Envelope> record) {
        if (record.value() == null) {
            return;
        }
        // Whatever the record changes, the next tick looks at it soon and plans the wait after it.
        wake.now();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        open(now);
        switch (record.value()) {
            case Envelope.Admit admit -> admit(admit.job(), now);
            case Envelope.Finish finish -> {
                // Finishes come straight from the results topic: where this one sat there.
                context.recordMetadata().ifPresent(catchup::read);
                finish(finish, now);
            }
            case Envelope.Cancel cancel -> cancel(cancel, now);
        }
    }

    @Override
    public void close() {
        if (wake != null) {
            wake.close();
        }
        if (book == null) {
            return; // init failed; nothing was reported
        }
        // The queues move with the task; another instance reports them from now on.
        book.modelsWithQueue().forEach(model -> metrics.queueDepth(model, Map.of()));
    }

    private void admit(JobRequested job, Instant now) {
        queues.read(job.model(), job.acceptedAt());
        // Queued or in flight (memory mirrors the active store), or finished: seen before. A job whose
        // active record a stop lost is unknown again, and its request comes again (its offset was not
        // committed: a commit waits for every write before it).
        JobEntry known = book.entry(job.jobId(), now);
        if (known != null && known.state() != JobEntry.State.CANCEL_REQUESTED) {
            metrics.duplicateIgnored(job.model());
            return;
        }
        if (known != null && known.tenantId().equals(job.tenantId())) {
            // The cancel overtook its job (another topic): the job ends canceled without queuing.
            book.rememberFinished(job.jobId(), job.tenantId(), now);
            emit(JobOutcomes.canceled(job, "canceled before it was queued", now), now);
            metrics.jobCanceled(job.model());
            return;
        }
        Instant deadline = job.deadline();
        if (deadline != null && !deadline.isAfter(now)) {
            book.rememberFinished(job.jobId(), job.tenantId(), now);
            emit(JobOutcomes.expired(job, now), now);
            metrics.jobExpired(job.model());
            return;
        }
        book.enqueue(job, now);
        metrics.jobAdmitted(job.model());
        metrics.arrived(job.model(), Duration.between(job.acceptedAt(), now));
        forward(job.jobId(), new Outbound.Event(JobOutcomes.queued(job, now)), now);
        reportDepth(job.model());
        if (config.batchingFor(job.model()).isDue(book.queued(job.model()), Duration.ZERO)) {
            expirePastDeadline(now);
            dispatchDue(job.model(), now);
        }
        book.persistQueued();
    }

    private void finish(Envelope.Finish finish, Instant now) {
        JobEntry entry = book.entry(finish.jobId(), now);
        if (finish.workerId() != null
                && (finish.status() == JobStatus.SUCCEEDED || finish.status() == JobStatus.FAILED)) {
            breakers.result(finish.workerId(), finish.status() == JobStatus.SUCCEEDED, now);
        }
        if (entry == null) {
            book.rememberFinished(finish.jobId(), finish.tenantId(), now);
            return;
        }
        if (entry.state() == JobEntry.State.FINISHED) {
            return;
        }
        if (book.finish(finish.jobId(), entry, now) != null) {
            reportDepth(entry.model());
        }
    }

    private void cancel(Envelope.Cancel cancel, Instant now) {
        JobEntry entry = book.entry(cancel.jobId(), now);
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
        if (entry.state() == JobEntry.State.QUEUED) {
            cancelQueued(cancel, entry, now);
        } else if (entry.state() == JobEntry.State.DISPATCHED && entry.workerId() != null) {
            // The worker stops the job and reports it canceled; its result releases the slot.
            String workerId = entry.workerId();
            DispatchBatch order = JobOutcomes.cancelOnWorker(workerId, entry.model(), cancel.jobId(), now);
            forward(workerId, new Outbound.Batch(order), now);
            metrics.cancelForwarded(entry.model());
        }
    }

    private void cancelQueued(Envelope.Cancel cancel, JobEntry entry, Instant now) {
        QueuedJob removed = book.finish(cancel.jobId(), entry, now);
        if (removed != null) {
            emit(JobOutcomes.canceled(removed.job(), cancel.reason(), now), now);
            metrics.jobCanceled(entry.model());
            reportDepth(entry.model());
        }
    }

    private void tick(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        open(now);
        expirePastDeadline(now);
        if (!now.isBefore(nextLeaseCheck)) {
            failOver(now);
            nextLeaseCheck = nextOf(LEASE_CHECK_EVERY, now);
        }
        for (String model : book.modelsWithQueue()) {
            dispatchDue(model, now);
        }
        for (QueueStatus status : queues.due(book, breakers, now)) {
            forward(status.model(), new Outbound.Queue(status), now);
        }
        planWake();
    }

    /** Opens the book with the task's first record or tick, and reports the queues it found. */
    private void open(Instant now) {
        if (book.open(now, legacy)) {
            legacy = null;
            book.modelsWithQueue().forEach(this::reportDepth);
        }
    }

    /**
     * Tells the pacer when this task next needs its tick: at every tick while jobs are queued (a batch
     * or a deadline may come due, a worker may get room), otherwise at the next check of leases (while
     * jobs are in flight), the next queue status due or the next breaker to turn half open, whichever
     * comes first (none when nothing is due: the pacer's idle poll bounds the wait). Records in
     * between are processed when they arrive, and each one makes the next tick come at once.
     */
    private void planWake() {
        if (book.hasQueued()) {
            wake.now();
            return;
        }
        long next = Long.MAX_VALUE;
        if (book.hasInFlight()) {
            next = Math.min(next, nextLeaseCheck.toEpochMilli());
        }
        Instant status = queues.nextDue();
        if (status != null) {
            next = Math.min(next, status.toEpochMilli());
        }
        wake.at(Math.min(next, breakers.nextChangeMillis()));
    }

    /**
     * The next multiple of {@code period} of the wall clock after {@code now}: every task of a thread
     * does a periodic check at the same moments, so an idle thread wakes once for all of them.
     */
    private static Instant nextOf(Duration period, Instant now) {
        long millis = period.toMillis();
        return Instant.ofEpochMilli((Math.floorDiv(now.toEpochMilli(), millis) + 1) * millis);
    }

    private void expirePastDeadline(Instant now) {
        for (String jobId : book.pastDeadline(now)) {
            JobEntry entry = book.entry(jobId, now);
            QueuedJob queued =
                    entry != null && entry.state() == JobEntry.State.QUEUED ? book.finish(jobId, entry, now) : null;
            if (queued == null) {
                book.unindex(jobId);
                continue;
            }
            emit(JobOutcomes.expired(queued.job(), now), now);
            metrics.jobExpired(entry.model());
            reportDepth(entry.model());
        }
    }

    /** Dispatches again, or ends failed, the jobs in flight on workers that were lost or past the job timeout. */
    private void failOver(Instant now) {
        failOverWorkers(now);
        timeOut(now);
    }

    /** A worker whose jobs in flight are to be sent again, and why. */
    private record Judged(String workerId, List<InFlight> jobs, JobError why) {}

    private void failOverWorkers(Instant now) {
        List<Judged> judged = judge(now);
        if (judged.isEmpty()) {
            catchup.judged();
            return;
        }
        Set<String> workerIds = new HashSet<>();
        judged.forEach(j -> workerIds.add(j.workerId()));
        if (!catchup.ready(workerIds, now)) {
            return;
        }
        for (Judged j : judged) {
            LOG.warn(
                    "{}; dispatching its {} jobs in flight again",
                    j.why().message(),
                    j.jobs().size());
            for (InFlight f : j.jobs()) {
                retry(f, j.workerId(), j.why(), now);
            }
        }
        catchup.judged();
    }

    /** The workers that were lost, and the restarted ones with jobs of their earlier run in flight. */
    private List<Judged> judge(Instant now) {
        List<Judged> judged = new ArrayList<>();
        for (String workerId : book.busyWorkers()) {
            WorkerStatus status = workers.status(workerId);
            if (workers.isLost(status, now)) {
                judged.add(new Judged(workerId, book.inFlightOn(workerId), JobOutcomes.workerLost(workerId)));
            } else if (status.instance() != null) {
                // A restarted worker skips the batches of its earlier run (DispatchBatch.workerInstance).
                List<InFlight> skipped = book.inFlightOnOtherInstance(workerId, status.instance());
                if (!skipped.isEmpty()) {
                    judged.add(new Judged(workerId, skipped, JobOutcomes.workerRestarted(workerId)));
                }
            }
        }
        return judged;
    }

    private void timeOut(Instant now) {
        for (JobBook.Sent s : book.sentAtOrBefore(now.minus(config.jobTimeout()), MAX_TIMED_OUT_PER_CHECK)) {
            InFlight f = book.inFlight(s.workerId(), s.jobId());
            if (f == null) {
                continue;
            }
            LOG.warn(
                    "job {} has had no result from worker {} within {}; dispatching it again",
                    s.jobId(),
                    s.workerId(),
                    config.jobTimeout());
            // The worker may still hold it: tell it to stop before the job runs elsewhere.
            forward(
                    s.workerId(),
                    new Outbound.Batch(JobOutcomes.cancelOnWorker(
                            s.workerId(), f.queued().job().model(), s.jobId(), now)),
                    now);
            retry(f, s.workerId(), JobOutcomes.timedOut(s.workerId(), config.jobTimeout()), now);
        }
    }

    /** Queues a job taken off a worker again, or ends it failed when that was its last attempt. */
    private void retry(InFlight f, String workerId, JobError why, Instant now) {
        JobRequested job = f.queued().job();
        JobEntry entry = book.entry(job.jobId(), now);
        if (entry == null || entry.state() != JobEntry.State.DISPATCHED || !workerId.equals(entry.workerId())) {
            return; // finished or moved on since the job was listed
        }
        if (f.attempt() >= config.maxAttempts()) {
            book.finish(job.jobId(), entry, now);
            emit(JobOutcomes.attemptsExhausted(job, workerId, f.attempt(), why, now), now);
            metrics.jobFailed(job.model());
        } else {
            book.requeue(f, workerId);
            forward(job.jobId(), new Outbound.Event(JobOutcomes.requeued(job, workerId, f.attempt(), why, now)), now);
            metrics.jobRequeued(job.model());
            reportDepth(job.model());
        }
    }

    /** Closes batches of {@code model} while one is due and a worker can take it. */
    private void dispatchDue(String model, Instant now) {
        ModelBatching batching = config.batchingFor(model);
        for (int i = 0; i < MAX_BATCHES_PER_TICK; i++) {
            int queued = book.queued(model);
            OptionalLong oldest = book.oldestQueuedAt(model);
            Duration waited =
                    oldest.isPresent() ? Duration.ofMillis(now.toEpochMilli() - oldest.getAsLong()) : Duration.ZERO;
            if (!batching.isDue(queued, waited)) {
                return;
            }
            // Routing weighs every worker for the jobs at the head of the queue: not when no worker
            // has room, and never for more jobs than the roomiest worker could take.
            int room = router.room(model, now);
            if (room == 0) {
                return;
            }
            List<QueuedJob> head = book.head(model, Math.min(Math.min(queued, batching.maxBatchSize()), room));
            if (head.isEmpty()) {
                return;
            }
            Router.Routed routed = router.route(model, head, now);
            int size = routed == null ? 0 : batching.sizeToSend(queued, waited, routed.jobs());
            if (size == 0) {
                return;
            }
            dispatch(model, routed, head.subList(0, size), waited, now);
        }
    }

    private void dispatch(String model, Router.Routed routed, List<QueuedJob> jobs, Duration waited, Instant now) {
        DispatchBatch batch = JobOutcomes.batch(
                routed.workerId(),
                routed.instance(),
                routed.model(),
                jobs,
                context.taskId().partition(),
                now);
        book.markDispatched(jobs, routed.workerId(), routed.instance(), now);
        breakers.dispatched(routed.workerId(), now);
        forward(routed.workerId(), new Outbound.Batch(batch), now);
        for (QueuedJob q : jobs) {
            JobRequested job = q.job();
            forward(
                    job.jobId(),
                    new Outbound.Event(JobOutcomes.dispatched(job, routed.workerId(), q.attempts() + 1, now)),
                    now);
            metrics.queueingDelay(model, job.priority(), Duration.between(q.queuedAt(), now));
        }
        metrics.batchDispatched(model, jobs.size(), waited);
        metrics.routed(model, routed.strategy(), routed.workerId());
        reportDepth(model);
    }

    private void reportDepth(String model) {
        metrics.queueDepth(model, book.queuedByPriority(model));
    }

    private void emit(List<Outbound> outputs, Instant now) {
        for (Outbound out : outputs) {
            String key = switch (out) {
                case Outbound.Batch b -> b.batch().workerId();
                case Outbound.Event e -> e.event().jobId();
                case Outbound.Result r -> r.result().jobId();
                case Outbound.Queue q -> q.status().model();
                case Outbound.Admitted a -> a.job().jobId();
            };
            forward(key, out, now);
        }
    }

    private void forward(String key, Outbound value, Instant now) {
        context.forward(new Record<>(key, value, now.toEpochMilli()));
    }
}
