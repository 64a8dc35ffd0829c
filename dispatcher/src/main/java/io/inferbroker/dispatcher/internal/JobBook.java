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
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's bookkeeping over its persistent stores: the job ids it has seen, the queues of its
 * models, the jobs in flight on each worker, and when remembered job ids may be forgotten. Every
 * change goes to the (changelogged) stores first; the in-memory index, counts and queue contents
 * are derived and rebuilt by {@link #rebuild()}.
 *
 * <p>The queues are read from memory only, never scanned in the store: a queue's store range is
 * where jobs are written and deleted at the arrival rate, and a persistent store's range scan walks
 * every deletion not yet compacted away, so at hundreds of jobs a second each scan would cost more
 * than the dispatch it serves. Queued jobs are bounded by the ingress's per-model queue limits.
 * Confined to one stream thread.
 */
final class JobBook {
    private static final Logger LOG = LoggerFactory.getLogger(JobBook.class);
    private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();

    private final KeyValueStore<String, JobEntry> jobs;
    private final KeyValueStore<String, QueuedJob> queue;
    private final KeyValueStore<String, InFlight> inFlight;
    private final KeyValueStore<String, String> retire;
    private final Duration retention;
    private final long agingMillis;
    private final QueueIndex index = new QueueIndex();
    /** Model to queued jobs in queue order (their queue store keys): the store's queue, decoded. */
    private final Map<String, NavigableMap<String, QueuedJob>> queues = new HashMap<>();
    /**
     * Queue keys of jobs admitted in the current record and not written to the queue store yet: a job
     * dispatched on arrival never is (no write and no deletion for the changelog); the rest are
     * written by {@link #persistQueued()} before the record is done.
     */
    private final Map<String, QueuedJob> unpersisted = new HashMap<>();
    /** Where the next purge starts: retire keys before it were purged (their deletions are not scanned again). */
    private @Nullable String purgedUpTo;
    /** A job in flight: when it was sent, to whom (and to which run of it, when known). */
    record Sent(
            long atMillis,
            String workerId,
            String jobId,
            String model,
            @Nullable String instance) {}

    private static final Comparator<Sent> BY_SEND_TIME =
            Comparator.comparingLong(Sent::atMillis).thenComparing(Sent::jobId);
    /** Jobs in flight by the time they were sent (for the job timeout); rebuilt from the in-flight store. */
    private final TreeSet<Sent> sent = new TreeSet<>(BY_SEND_TIME);

    private final Map<String, Sent> sentByJob = new HashMap<>();
    /** Job id to the worker whose in-flight record a requeue left in the store (deleted on the next send or finish). */
    private final Map<String, String> superseded = new HashMap<>();
    /** Store corrections found by {@link #rebuild()}, written by {@link #repair()}. */
    private final List<Runnable> repairs = new ArrayList<>();
    /** Worker id to instance to jobs in flight sent to that run of the worker (only named instances). */
    private final Map<String, Map<String, Integer>> instances = new HashMap<>();
    /** Worker id to model to jobs in flight. */
    private final Map<String, Map<String, Integer>> outstanding = new HashMap<>();

    JobBook(
            KeyValueStore<String, JobEntry> jobs,
            KeyValueStore<String, QueuedJob> queue,
            KeyValueStore<String, InFlight> inFlight,
            KeyValueStore<String, String> retire,
            Duration retention,
            Duration aging) {
        this.jobs = jobs;
        this.queue = queue;
        this.inFlight = inFlight;
        this.retire = retire;
        this.retention = retention;
        this.agingMillis = aging.toMillis();
    }

    /**
     * Rebuilds the in-memory queues, index and counts from the stores (after restoration), made
     * consistent by {@link StoreReconciliation}; its store corrections wait for {@link #repair()}.
     */
    void rebuild() {
        StoreReconciliation found = StoreReconciliation.of(jobs, queue, inFlight);
        List<StoreReconciliation.Queued> queued = new ArrayList<>(found.queued());
        queued.sort(Comparator.comparing(q -> q.job().queuedAt()));
        queued.forEach(q -> {
            index(q.job());
            queueOf(q.job().job().model()).put(q.key(), q.job());
        });
        for (StoreReconciliation.Running r : found.running()) {
            count(r.workerId(), model(r.job()), 1);
            track(r.workerId(), r.job());
        }
        repairs.addAll(found.repairs());
        if (!repairs.isEmpty()) {
            LOG.warn(
                    "the dispatcher's stores disagreed after a stop (writes lost with it); {} corrections made",
                    repairs.size());
        }
    }

    /** Writes the corrections {@link #rebuild()} found; call while a record or punctuation is processed. */
    void repair() {
        if (!repairs.isEmpty()) {
            repairs.forEach(Runnable::run);
            repairs.clear();
        }
    }

    /** True when the job is in this task's queues or in flight from it, as far as memory knows. */
    boolean isLive(String jobId) {
        return index.contains(jobId) || sentByJob.containsKey(jobId);
    }

    @Nullable
    JobEntry entry(String jobId) {
        return jobs.get(jobId);
    }

    /**
     * Queues a job (new: {@code attempts} 0); call {@link #persistQueued()} before the record that
     * admitted it is done.
     */
    void enqueue(JobRequested job, Instant now, int attempts) {
        put(new QueuedJob(job, now, attempts), false);
    }

    /** Writes the jobs admitted in this record that are still queued to the queue store. */
    void persistQueued() {
        unpersisted.forEach(queue::put);
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
     * attempt number. The in-flight record (the job's request) is written before the jobs-store state
     * that names it, and a queue record stays until the job finishes, so whatever subset of these
     * writes a stop keeps, the request survives in one of them ({@link StoreReconciliation}).
     */
    void markDispatched(List<QueuedJob> batch, String workerId, @Nullable String instance, Instant now) {
        for (QueuedJob q : batch) {
            JobRequested job = q.job();
            String jobId = job.jobId();
            // The key follows from the record, so the entry taken off is the one that was read.
            String key = StoreKeys.queueKey(job, q.queuedAt(), agingMillis);
            boolean persisted = unpersisted.remove(key) == null;
            takeOffQueue(job.model(), key);
            index.remove(jobId);
            int attempt = q.attempts() + 1;
            InFlight f = new InFlight(q, now, attempt, instance);
            inFlight.put(StoreKeys.outstandingKey(workerId, jobId), f);
            String before = superseded.remove(jobId);
            if (before != null && !before.equals(workerId)) {
                // Same store as the put above: its changelog keeps the order, the new record lands first.
                inFlight.put(StoreKeys.outstandingKey(before, jobId), null);
            }
            jobs.put(
                    jobId, JobEntry.dispatched(job.model(), job.tenantId(), workerId, attempt, persisted ? key : null));
            // The in-memory send index mirrors the in-flight store: no store read (and decode) needed.
            if (!isInFlightOn(workerId, jobId)) {
                count(workerId, job.model(), 1);
            }
            track(workerId, f);
        }
    }

    /**
     * Records that a known job reached a terminal state: takes it off the queue or releases its
     * worker, and schedules the id to be forgotten after the dedupe retention. Idempotent.
     *
     * @return the job as it was queued, when it was still queued
     */
    @Nullable
    QueuedJob finish(String jobId, JobEntry entry, Instant now) {
        QueuedJob removed = null;
        String queueKey = entry.queueKey();
        if (entry.state() == JobEntry.State.QUEUED && queueKey != null) {
            removed = takeOffQueue(entry.model(), queueKey);
            index.remove(jobId);
        }
        if (queueKey != null && unpersisted.remove(queueKey) == null) {
            queue.put(queueKey, null);
        }
        String workerId = entry.workerId();
        if (workerId != null) {
            release(workerId, jobId);
        }
        String before = superseded.remove(jobId);
        if (before != null) {
            inFlight.put(StoreKeys.outstandingKey(before, jobId), null);
        }
        Instant retireAt = now.plus(retention);
        jobs.put(jobId, entry.finishedAt(retireAt));
        retire.put(StoreKeys.retireKey(retireAt, jobId), jobId);
        return removed;
    }

    /** The jobs in flight on {@code workerId}. */
    List<InFlight> inFlightOn(String workerId) {
        List<InFlight> found = new ArrayList<>();
        try (KeyValueIterator<String, InFlight> it =
                inFlight.prefixScan(StoreKeys.outstandingPrefix(workerId), PREFIX_SERIALIZER)) {
            // A requeue leaves the record of the worker it left until the job moves on: skip those.
            it.forEachRemaining(kv -> {
                if (isInFlightOn(workerId, kv.value.queued().job().jobId())) {
                    found.add(kv.value);
                }
            });
        }
        return found;
    }

    /** The job {@code jobId} in flight on {@code workerId}, if it is. */
    @Nullable
    InFlight inFlight(String workerId, String jobId) {
        return inFlight.get(StoreKeys.outstandingKey(workerId, jobId));
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
     * Its in-flight record stays in the store until the job is sent again or finishes: deleting it
     * now could land without the queue record written here (another store), losing the request.
     */
    void requeue(InFlight lost, String workerId) {
        String jobId = lost.queued().job().jobId();
        forget(workerId, jobId);
        superseded.put(jobId, workerId);
        put(new QueuedJob(lost.queued().job(), lost.queued().queuedAt(), lost.attempt()), true);
    }

    /** Drops an in-flight record the jobs store does not back (the job is elsewhere or finished). */
    void dropInFlight(String workerId, String jobId) {
        if (isInFlightOn(workerId, jobId)) {
            release(workerId, jobId);
        } else {
            inFlight.put(StoreKeys.outstandingKey(workerId, jobId), null);
        }
    }

    /** Remembers a job id never queued here as finished (so a later request for it is ignored). */
    void rememberFinished(String jobId, String model, String tenantId, Instant now) {
        Instant retireAt = now.plus(retention);
        jobs.put(jobId, JobEntry.finished(model, tenantId, retireAt));
        retire.put(StoreKeys.retireKey(retireAt, jobId), jobId);
    }

    /** Remembers a cancel for a job not seen yet, so the job is canceled when it arrives. */
    void rememberCancel(String jobId, String tenantId, Instant now) {
        Instant retireAt = now.plus(retention);
        jobs.put(jobId, JobEntry.cancelRequested(tenantId, retireAt));
        retire.put(StoreKeys.retireKey(retireAt, jobId), jobId);
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
     * Forgets up to {@code max} job ids whose retention ended at or before {@code now}.
     *
     * @return how many were forgotten
     */
    int purgeRetired(Instant now, int max) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> it = retire.range(purgedUpTo, null)) {
            while (expired.size() < max && it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (StoreKeys.retireMillis(kv.key) > now.toEpochMilli()) {
                    break;
                }
                expired.add(kv.key);
            }
        }
        if (!expired.isEmpty()) {
            purgedUpTo = expired.getLast();
        }
        for (String key : expired) {
            retire.delete(key);
            String jobId = StoreKeys.retiredJob(key);
            JobEntry entry = jobs.get(jobId);
            // A newer retirement (a cancel marker later finished) keeps the entry until its own time.
            if (entry != null && entry.retireAt() != null && !entry.retireAt().isAfter(now)) {
                jobs.delete(jobId);
            }
        }
        return expired.size();
    }

    private void put(QueuedJob queued, boolean persistNow) {
        JobRequested job = queued.job();
        String key = StoreKeys.queueKey(job, queued.queuedAt(), agingMillis);
        if (persistNow) {
            queue.put(key, queued);
        } else {
            unpersisted.put(key, queued);
        }
        queueOf(job.model()).put(key, queued);
        jobs.put(job.jobId(), JobEntry.queued(job.model(), job.tenantId(), key, queued.attempts()));
        index(queued);
    }

    private NavigableMap<String, QueuedJob> queueOf(String model) {
        return queues.computeIfAbsent(model, m -> new TreeMap<>());
    }

    /** Takes a job off its model's in-memory queue; the job as queued, if it was. */
    private @Nullable QueuedJob takeOffQueue(String model, String queueKey) {
        NavigableMap<String, QueuedJob> jobsOfModel = queues.get(model);
        if (jobsOfModel == null) {
            return null;
        }
        QueuedJob removed = jobsOfModel.remove(queueKey);
        if (jobsOfModel.isEmpty()) {
            queues.remove(model);
        }
        return removed;
    }

    private void release(String workerId, String jobId) {
        if (forget(workerId, jobId)) {
            inFlight.put(StoreKeys.outstandingKey(workerId, jobId), null);
        }
    }

    /** Forgets in memory that the job is in flight on the worker; true when it was. */
    private boolean forget(String workerId, String jobId) {
        if (!isInFlightOn(workerId, jobId)) {
            return false;
        }
        Sent s = sentByJob.remove(jobId);
        sent.remove(s);
        count(workerId, s.model(), -1);
        countInstance(s, -1);
        return true;
    }

    private void count(String workerId, String model, int delta) {
        Map<String, Integer> byModel = outstanding.computeIfAbsent(workerId, w -> new HashMap<>());
        byModel.merge(model, delta, (a, b) -> a + b > 0 ? a + b : null);
        if (byModel.isEmpty()) {
            outstanding.remove(workerId);
        }
    }

    private boolean isInFlightOn(String workerId, String jobId) {
        Sent s = sentByJob.get(jobId);
        return s != null && s.workerId().equals(workerId);
    }

    private void track(String workerId, InFlight f) {
        Sent s = new Sent(
                f.dispatchedAt().toEpochMilli(), workerId, f.queued().job().jobId(), model(f), f.workerInstance());
        Sent before = sentByJob.put(s.jobId(), s);
        if (before != null) {
            sent.remove(before);
            countInstance(before, -1);
        }
        sent.add(s);
        countInstance(s, 1);
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

    private static String model(InFlight f) {
        return f.queued().job().model();
    }

    private void index(QueuedJob q) {
        Instant deadline = q.job().deadline();
        index.add(
                q.job().model(),
                q.job().jobId(),
                q.job().priority(),
                q.queuedAt().toEpochMilli(),
                deadline == null ? null : deadline.toEpochMilli());
    }
}
