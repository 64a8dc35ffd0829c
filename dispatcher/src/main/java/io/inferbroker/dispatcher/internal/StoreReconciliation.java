package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.JobRequested;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * What a task's stores say about its live jobs once they are read back after a stop, made
 * consistent. At least once gives no atomicity across stores: a stop (a crash, a kill) can keep any
 * subset of one step's writes, so the jobs store may name a state whose queue or in-flight record
 * was lost, or the other way round. The records that carry a job's request (queue and in-flight
 * stores) decide: a job with an in-flight record is in flight, else a job with a queue record is
 * queued, and the jobs store is corrected to match; records of finished jobs and leftovers of a
 * requeue are dropped. A job whose state lost both records is left to the replay of its request
 * (the input offset was not committed; see {@code DispatchProcessor}).
 *
 * <p>Reads every queue and in-flight record once, with one jobs-store lookup per job: only at task
 * start. The corrections are returned as {@link #repairs()}, to be written while a record or a
 * punctuation is processed (stores cannot be written from {@code init}).
 */
final class StoreReconciliation {
    /** A job to queue: its queue store key and record. */
    record Queued(String key, QueuedJob job) {}

    /** A job in flight on a worker. */
    record Running(String workerId, InFlight job) {}

    private final KeyValueStore<String, JobEntry> jobs;
    private final KeyValueStore<String, QueuedJob> queue;
    private final KeyValueStore<String, InFlight> inFlight;
    private final List<Queued> queued = new ArrayList<>();
    private final List<Running> running = new ArrayList<>();
    private final List<Runnable> repairs = new ArrayList<>();

    private StoreReconciliation(
            KeyValueStore<String, JobEntry> jobs,
            KeyValueStore<String, QueuedJob> queue,
            KeyValueStore<String, InFlight> inFlight) {
        this.jobs = jobs;
        this.queue = queue;
        this.inFlight = inFlight;
    }

    /** Reads the stores and decides where each live job is. */
    static StoreReconciliation of(
            KeyValueStore<String, JobEntry> jobs,
            KeyValueStore<String, QueuedJob> queue,
            KeyValueStore<String, InFlight> inFlight) {
        StoreReconciliation r = new StoreReconciliation(jobs, queue, inFlight);
        Map<String, List<Queued>> queuedByJob = new HashMap<>();
        Map<String, List<Running>> runningByJob = new HashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        try (KeyValueIterator<String, QueuedJob> it = queue.all()) {
            it.forEachRemaining(kv -> {
                String id = kv.value.job().jobId();
                ids.add(id);
                queuedByJob.computeIfAbsent(id, k -> new ArrayList<>()).add(new Queued(kv.key, kv.value));
            });
        }
        try (KeyValueIterator<String, InFlight> it = inFlight.all()) {
            it.forEachRemaining(kv -> {
                String id = kv.value.queued().job().jobId();
                ids.add(id);
                runningByJob
                        .computeIfAbsent(id, k -> new ArrayList<>())
                        .add(new Running(StoreKeys.workerOf(kv.key), kv.value));
            });
        }
        for (String id : ids) {
            r.decide(id, queuedByJob.getOrDefault(id, List.of()), runningByJob.getOrDefault(id, List.of()));
        }
        return r;
    }

    /** Jobs to put in the in-memory queues. */
    List<Queued> queued() {
        return queued;
    }

    /** Jobs to count as in flight. */
    List<Running> running() {
        return running;
    }

    /** Store writes that make the stores agree with {@link #queued()} and {@link #running()}. */
    List<Runnable> repairs() {
        return repairs;
    }

    private void decide(String jobId, List<Queued> qs, List<Running> fs) {
        JobEntry entry = jobs.get(jobId);
        if (entry != null
                && (entry.state() == JobEntry.State.FINISHED || entry.state() == JobEntry.State.CANCEL_REQUESTED)) {
            qs.forEach(q -> repairs.add(() -> queue.put(q.key(), null)));
            fs.forEach(f -> dropRunning(jobId, f));
            return;
        }
        Queued q = pickQueued(qs, entry);
        Running f = pickRunning(fs, entry);
        qs.stream().filter(other -> other != q).forEach(other -> repairs.add(() -> queue.put(other.key(), null)));
        boolean recordedInFlight = entry != null
                && entry.state() == JobEntry.State.DISPATCHED
                && f != null
                && f.workerId().equals(entry.workerId());
        boolean recordedQueued = entry != null
                && entry.state() == JobEntry.State.QUEUED
                && q != null
                && q.key().equals(entry.queueKey());
        if (recordedInFlight || (!recordedQueued && f != null)) {
            running.add(f);
            fs.stream().filter(other -> other != f).forEach(other -> dropRunning(jobId, other));
            if (!recordedInFlight) {
                JobRequested job = f.job().queued().job();
                JobEntry fixed = JobEntry.dispatched(
                        job.model(), job.tenantId(), f.workerId(), f.job().attempt(), q == null ? null : q.key());
                repairs.add(() -> jobs.put(jobId, fixed));
            }
        } else if (q != null) {
            queued.add(q);
            fs.forEach(other -> dropRunning(jobId, other));
            if (!recordedQueued) {
                JobRequested job = q.job().job();
                JobEntry fixed = JobEntry.queued(
                        job.model(), job.tenantId(), q.key(), q.job().attempts());
                repairs.add(() -> jobs.put(jobId, fixed));
            }
        }
    }

    private void dropRunning(String jobId, Running f) {
        repairs.add(() -> inFlight.put(StoreKeys.outstandingKey(f.workerId(), jobId), null));
    }

    /** The queue record the jobs store points to, else the latest. */
    private static @Nullable Queued pickQueued(List<Queued> qs, @Nullable JobEntry entry) {
        if (qs.isEmpty()) {
            return null;
        }
        for (Queued q : qs) {
            if (entry != null && q.key().equals(entry.queueKey())) {
                return q;
            }
        }
        return qs.stream()
                .max(Comparator.comparing((Queued q) -> q.job().queuedAt()))
                .orElseThrow();
    }

    /** The in-flight record of the worker the jobs store names, else the latest sent. */
    private static @Nullable Running pickRunning(List<Running> fs, @Nullable JobEntry entry) {
        if (fs.isEmpty()) {
            return null;
        }
        for (Running f : fs) {
            if (entry != null
                    && entry.state() == JobEntry.State.DISPATCHED
                    && f.workerId().equals(entry.workerId())) {
                return f;
            }
        }
        return fs.stream()
                .max(Comparator.comparing((Running f) -> f.job().dispatchedAt()))
                .orElseThrow();
    }
}
