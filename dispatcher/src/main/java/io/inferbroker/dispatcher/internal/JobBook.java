package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.JobRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's bookkeeping over its two persistent, changelogged stores: the jobs it is responsible
 * for, queued or in flight ({@link StoreNames#ACTIVE}: job id to {@link ActiveJob}, the request and
 * where the job is), and the ids it is done with ({@link DoneJobs}: finished jobs and cancels that
 * came before their job, forgotten after the dedupe retention). The queues, the send index, the
 * counts and the state of every live job are kept in memory, mirror the active store, and are
 * rebuilt from it when a task starts ({@link #open}); the active store is written, never read, on
 * the dispatch path.
 *
 * <p>Why two stores: each store write costs the stream thread a serialization, a RocksDB write and
 * a changelog record (which the brokers store, replicate and compact), and the stream thread of a
 * model's routing group bounds that model's throughput. A job's life writes:
 *
 * <ul>
 *   <li>queued: its active record (only if it is still queued when the record that admitted it is
 *       done: a job dispatched on arrival is never written as queued);
 *   <li>sent: its active record again, now in flight on the worker, before the batch goes out;
 *   <li>queued again after a lost worker: its active record again;
 *   <li>finished: its done mark, then the deletion of its active record;
 *   <li>forgotten after the retention: nothing (the done store drops its segments whole).
 * </ul>
 *
 * So a job queued, sent by a tick and finished costs 4 changelog records, one dispatched on arrival
 * 3 (the layout of earlier versions, a jobs store with the state, queue and in-flight stores with the
 * request and a retire index, cost 10 and 8 with the purge). One record per job in one store also
 * makes a stop simpler to recover from: a store's changelog keeps its order, so whatever it kept of a
 * job is a state the job was in, not parts of two; only a finish writes both stores, the mark first
 * ({@link StoreReconciliation}). Finished ids are not kept in the active store: forgetting them would
 * take a deletion per job and an index of when (or a scan of every remembered id at each start). Nor
 * is everything in one window store: it would keep every request for the whole retention, and a
 * task's start would read them all to find the live ones.
 *
 * <p>The queues are read from memory only, never scanned in the store: a persistent store's range
 * scan walks every deletion not yet compacted away, and the active store is where jobs are written
 * and deleted at the arrival rate. Queued jobs are bounded by the ingress's per-model queue limits;
 * the requests of jobs in flight stay in the store (read when they are sent again). Confined to one
 * stream thread.
 */
final class JobBook {
    private static final Logger LOG = LoggerFactory.getLogger(JobBook.class);

    private final KeyValueStore<String, ActiveJob> active;
    private final DoneJobs done;
    private final Duration retention;
    private final long agingMillis;
    private final QueueIndex index = new QueueIndex();
    /** Model to queued jobs in queue order ({@link StoreKeys#queueKey}). */
    private final Map<String, NavigableMap<String, QueuedJob>> queues = new HashMap<>();
    /** Job id to the queued job (the same jobs as {@link #queues}). */
    private final Map<String, QueuedJob> queuedById = new HashMap<>();
    /**
     * Job ids admitted in the current record and not written to the active store yet: a job
     * dispatched on arrival is written once, in flight; the rest are written by {@link
     * #persistQueued()} before the record is done.
     */
    private final Map<String, QueuedJob> unpersisted = new HashMap<>();
    /** A job in flight: when it was sent, to whom (and to which run of it, when known). */
    record Sent(
            long atMillis,
            String workerId,
            String jobId,
            String model,
            String tenantId,
            int attempt,
            @Nullable String instance) {}

    private static final Comparator<Sent> BY_SEND_TIME =
            Comparator.comparingLong(Sent::atMillis).thenComparing(Sent::jobId);
    /** Jobs in flight by the time they were sent (for the job timeout). */
    private final TreeSet<Sent> sent = new TreeSet<>(BY_SEND_TIME);

    private final Map<String, Sent> sentByJob = new HashMap<>();
    /** Worker id to instance to jobs in flight sent to that run of the worker (only named instances). */
    private final Map<String, Map<String, Integer>> instances = new HashMap<>();
    /** Worker id to model to jobs in flight. */
    private final Map<String, Map<String, Integer>> outstanding = new HashMap<>();

    private boolean open;

    JobBook(
            KeyValueStore<String, ActiveJob> active,
            WindowStore<String, DoneMark> done,
            Duration retention,
            Duration aging) {
        this.active = active;
        this.done = new DoneJobs(done, retention);
        this.retention = retention;
        this.agingMillis = aging.toMillis();
    }

    /**
     * Rebuilds the in-memory queues, index and counts from the active store, made consistent with
     * the done store as of {@code now} by {@link StoreReconciliation}, and writes its corrections;
     * first carries over the jobs of the earlier store layout when {@code legacy} is not null. Call
     * with the first record or punctuation of the task: stores cannot be written from {@code init},
     * and the task's wall clock is not read there. Does nothing once the book is open.
     *
     * @return true when this call opened the book
     */
    boolean open(Instant now, @Nullable LegacyStores legacy) {
        if (open) {
            return false;
        }
        open = true;
        if (legacy != null) {
            int moved = legacy.moveInto(active, done, retention, now);
            if (moved > 0) {
                LOG.info("carried {} jobs over from the dispatcher's earlier stores", moved);
            }
        }
        StoreReconciliation found = StoreReconciliation.of(active, done, now);
        List<QueuedJob> queued = new ArrayList<>(found.queued());
        queued.sort(Comparator.comparing(QueuedJob::queuedAt));
        queued.forEach(this::addToQueue);
        for (StoreReconciliation.Running r : found.running()) {
            track(r.workerId(), r.job());
        }
        if (!found.repairs().isEmpty()) {
            LOG.warn(
                    "the dispatcher's stores disagreed after a stop (writes lost with it); {} corrections made",
                    found.repairs().size());
            found.repairs().forEach(Runnable::run);
        }
        return true;
    }

    /**
     * What is known about {@code jobId} at {@code now}: a live job's state from memory, else a
     * remembered id's from the done store (one lookup); null when the id is unknown.
     */
    @Nullable
    JobEntry entry(String jobId, Instant now) {
        QueuedJob q = queuedById.get(jobId);
        if (q != null) {
            return JobEntry.queued(q.job().model(), q.job().tenantId(), q.attempts());
        }
        Sent s = sentByJob.get(jobId);
        if (s != null) {
            return JobEntry.dispatched(s.model(), s.tenantId(), s.workerId(), s.attempt());
        }
        DoneMark mark = done.latest(jobId, now);
        return mark == null ? null : JobEntry.of(mark);
    }

    /** Queues a new job; call {@link #persistQueued()} before the record that admitted it is done. */
    void enqueue(JobRequested job, Instant now) {
        QueuedJob queued = new QueuedJob(job, now, 0);
        unpersisted.put(job.jobId(), queued);
        addToQueue(queued);
    }

    /** Writes the jobs admitted in this record that are still queued to the active store. */
    void persistQueued() {
        unpersisted.forEach((jobId, queued) -> active.put(jobId, ActiveJob.waiting(queued)));
        unpersisted.clear();
    }

    /** Up to {@code max} jobs of {@code model} in queue order (aged priority, then acceptance). */
    List<QueuedJob> head(String model, int max) {
        NavigableMap<String, QueuedJob> jobsOfModel = queues.get(model);
        if (jobsOfModel == null) {
            return List.of();
        }
        List<QueuedJob> head = new ArrayList<>(Math.min(max, jobsOfModel.size()));
        for (QueuedJob q : jobsOfModel.values()) {
            if (head.size() == max) {
                break;
            }
            head.add(q);
        }
        return head;
    }

    /**
     * Moves queued jobs to a worker: off the in-memory queue, in flight on the worker with the next
     * attempt number. Each job's active record is overwritten with the send: call before the batch is
     * forwarded, so the write goes to the producer before the batch does.
     */
    void markDispatched(List<QueuedJob> batch, String workerId, @Nullable String instance, Instant now) {
        for (QueuedJob q : batch) {
            String jobId = q.job().jobId();
            unpersisted.remove(jobId);
            takeOffQueue(q);
            int attempt = q.attempts() + 1;
            active.put(jobId, ActiveJob.sent(q, workerId, now, attempt, instance));
            track(workerId, new InFlight(q, now, attempt, instance));
        }
    }

    /**
     * Records that a known job reached a terminal state: takes it off the queue or releases its
     * worker, and remembers its id as finished for the dedupe retention. The done mark is written
     * before the active record's deletion. Idempotent.
     *
     * @return the job as it was queued, when it was still queued
     */
    @Nullable
    QueuedJob finish(String jobId, JobEntry entry, Instant now) {
        QueuedJob removed = null;
        boolean stored = false;
        if (entry.state() == JobEntry.State.QUEUED) {
            QueuedJob q = queuedById.get(jobId);
            if (q != null) {
                removed = takeOffQueue(q);
                stored = unpersisted.remove(jobId) == null;
            }
        } else if (entry.state() == JobEntry.State.DISPATCHED && entry.workerId() != null) {
            stored = forget(entry.workerId(), jobId);
        }
        done.remember(jobId, DoneMark.finished(entry.tenantId(), now));
        if (stored) {
            // A put of null, not delete(): delete() reads and decodes the old value first.
            active.put(jobId, null);
        }
        return removed;
    }

    /** The jobs in flight on {@code workerId}, by job id; reads the store once per job. */
    List<InFlight> inFlightOn(String workerId) {
        List<String> jobIds = new ArrayList<>();
        sentByJob.values().forEach(s -> {
            if (s.workerId().equals(workerId)) {
                jobIds.add(s.jobId());
            }
        });
        jobIds.sort(Comparator.naturalOrder());
        List<InFlight> found = new ArrayList<>(jobIds.size());
        for (String jobId : jobIds) {
            InFlight f = inFlight(workerId, jobId);
            if (f != null) {
                found.add(f);
            }
        }
        return found;
    }

    /** The job {@code jobId} in flight on {@code workerId}, if it is. */
    @Nullable
    InFlight inFlight(String workerId, String jobId) {
        if (!isInFlightOn(workerId, jobId)) {
            return null;
        }
        ActiveJob job = active.get(jobId);
        return job == null ? null : job.inFlight();
    }

    /** Up to {@code max} jobs in flight that were sent at or before {@code cutoff}, longest in flight first. */
    List<Sent> sentAtOrBefore(Instant cutoff, int max) {
        List<Sent> due = new ArrayList<>();
        for (Sent s : sent) {
            if (s.atMillis() > cutoff.toEpochMilli() || due.size() == max) {
                break;
            }
            due.add(s);
        }
        return due;
    }

    /**
     * Takes a job off a lost worker and queues it again, keeping its first queue time and attempts.
     * One write: the job's active record, in flight until now, says queued.
     */
    void requeue(InFlight lost, String workerId) {
        QueuedJob queued = new QueuedJob(lost.queued().job(), lost.queued().queuedAt(), lost.attempt());
        forget(workerId, queued.job().jobId());
        active.put(queued.job().jobId(), ActiveJob.waiting(queued));
        addToQueue(queued);
    }

    /** Remembers a job id not live here as finished (so a later request for it is ignored). */
    void rememberFinished(String jobId, String tenantId, Instant now) {
        done.remember(jobId, DoneMark.finished(tenantId, now));
    }

    /** Remembers a cancel for a job not seen yet, so the job is canceled when it arrives. */
    void rememberCancel(String jobId, String tenantId, Instant now) {
        done.remember(jobId, DoneMark.cancelRequested(tenantId, now));
    }

    int queued(String model) {
        return index.size(model);
    }

    Map<Integer, Integer> queuedByPriority(String model) {
        return index.sizeByPriority(model);
    }

    OptionalLong oldestQueuedAt(String model) {
        return index.oldestQueuedAt(model);
    }

    Set<String> modelsWithQueue() {
        return index.models();
    }

    List<String> pastDeadline(Instant now) {
        return index.pastDeadline(now.toEpochMilli());
    }

    /** Drops an index entry that has no queued job behind it. */
    void unindex(String jobId) {
        index.remove(jobId);
    }

    /** Jobs in flight on {@code workerId}, of every model of this task. */
    int outstanding(String workerId) {
        Map<String, Integer> byModel = outstanding.get(workerId);
        return byModel == null
                ? 0
                : byModel.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Jobs of {@code model} in flight, by worker. */
    Map<String, Integer> outstandingOf(String model) {
        Map<String, Integer> byWorker = new HashMap<>();
        outstanding.forEach((worker, byModel) -> {
            Integer n = byModel.get(model);
            if (n != null) {
                byWorker.put(worker, n);
            }
        });
        return byWorker;
    }

    /** True when some job of this task waits in a queue. */
    boolean hasQueued() {
        return !index.isEmpty();
    }

    /** True when some job of this task is in flight on a worker. */
    boolean hasInFlight() {
        return !outstanding.isEmpty();
    }

    /** Workers with jobs of this task in flight. */
    Set<String> busyWorkers() {
        return Set.copyOf(outstanding.keySet());
    }

    /**
     * The jobs in flight on {@code workerId} that were sent to another run of it than {@code current}
     * (jobs sent to no named run are not among them). Reads the store only when memory knows of some.
     */
    List<InFlight> inFlightOnOtherInstance(String workerId, String current) {
        Map<String, Integer> byInstance = instances.get(workerId);
        if (byInstance == null || (byInstance.size() == 1 && byInstance.containsKey(current))) {
            return List.of();
        }
        List<InFlight> other = new ArrayList<>();
        for (InFlight f : inFlightOn(workerId)) {
            if (f.workerInstance() != null && !f.workerInstance().equals(current)) {
                other.add(f);
            }
        }
        return other;
    }

    private void addToQueue(QueuedJob queued) {
        JobRequested job = queued.job();
        queueOf(job.model()).put(StoreKeys.queueKey(job, queued.queuedAt(), agingMillis), queued);
        queuedById.put(job.jobId(), queued);
        Instant deadline = job.deadline();
        index.add(
                job.model(),
                job.jobId(),
                job.priority(),
                queued.queuedAt().toEpochMilli(),
                deadline == null ? null : deadline.toEpochMilli());
    }

    private NavigableMap<String, QueuedJob> queueOf(String model) {
        return queues.computeIfAbsent(model, m -> new TreeMap<>());
    }

    /** Takes a job off its model's in-memory queue; the job as queued, if it was. */
    private @Nullable QueuedJob takeOffQueue(QueuedJob queued) {
        JobRequested job = queued.job();
        queuedById.remove(job.jobId());
        index.remove(job.jobId());
        NavigableMap<String, QueuedJob> jobsOfModel = queues.get(job.model());
        if (jobsOfModel == null) {
            return null;
        }
        // The key follows from the record, so the entry taken off is the one that was read.
        QueuedJob removed = jobsOfModel.remove(StoreKeys.queueKey(job, queued.queuedAt(), agingMillis));
        if (jobsOfModel.isEmpty()) {
            queues.remove(job.model());
        }
        return removed;
    }

    /** Forgets in memory that the job is in flight on the worker; true when it was. */
    private boolean forget(String workerId, String jobId) {
        if (!isInFlightOn(workerId, jobId)) {
            return false;
        }
        untrack(sentByJob.remove(jobId));
        return true;
    }

    private boolean isInFlightOn(String workerId, String jobId) {
        Sent s = sentByJob.get(jobId);
        return s != null && s.workerId().equals(workerId);
    }

    private void track(String workerId, InFlight f) {
        JobRequested job = f.queued().job();
        Sent s = new Sent(
                f.dispatchedAt().toEpochMilli(),
                workerId,
                job.jobId(),
                job.model(),
                job.tenantId(),
                f.attempt(),
                f.workerInstance());
        Sent before = sentByJob.put(s.jobId(), s);
        if (before != null) {
            untrack(before);
        }
        sent.add(s);
        count(workerId, s.model(), 1);
        countInstance(s, 1);
    }

    private void untrack(Sent s) {
        sent.remove(s);
        count(s.workerId(), s.model(), -1);
        countInstance(s, -1);
    }

    private void count(String workerId, String model, int delta) {
        Map<String, Integer> byModel = outstanding.computeIfAbsent(workerId, w -> new HashMap<>());
        byModel.merge(model, delta, (a, b) -> a + b > 0 ? a + b : null);
        if (byModel.isEmpty()) {
            outstanding.remove(workerId);
        }
    }

    private void countInstance(Sent s, int delta) {
        if (s.instance() == null) {
            return;
        }
        Map<String, Integer> byInstance = instances.computeIfAbsent(s.workerId(), w -> new HashMap<>());
        byInstance.merge(s.instance(), delta, (a, b) -> a + b > 0 ? a + b : null);
        if (byInstance.isEmpty()) {
            instances.remove(s.workerId());
        }
    }
}
