package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.JobRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * One task's bookkeeping over its persistent stores: the job ids it has seen, the queues of its
 * models, the jobs outstanding on each worker, and when remembered job ids may be forgotten. Every
 * change goes to the (changelogged) stores first; the in-memory index and counts are derived and
 * rebuilt by {@link #rebuild()}. Confined to one stream thread.
 */
final class JobBook {
    private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();

    private final KeyValueStore<String, JobEntry> jobs;
    private final KeyValueStore<String, QueuedJob> queue;
    private final KeyValueStore<String, Long> outstanding;
    private final KeyValueStore<String, String> retire;
    private final Duration retention;
    private final QueueIndex index = new QueueIndex();
    private final Map<String, Integer> outstandingByWorker = new HashMap<>();

    JobBook(
            KeyValueStore<String, JobEntry> jobs,
            KeyValueStore<String, QueuedJob> queue,
            KeyValueStore<String, Long> outstanding,
            KeyValueStore<String, String> retire,
            Duration retention) {
        this.jobs = jobs;
        this.queue = queue;
        this.outstanding = outstanding;
        this.retire = retire;
        this.retention = retention;
    }

    /** Rebuilds the in-memory index and counts from the stores (after restoration). */
    void rebuild() {
        List<QueuedJob> queued = new ArrayList<>();
        try (KeyValueIterator<String, QueuedJob> it = queue.all()) {
            it.forEachRemaining(kv -> queued.add(kv.value));
        }
        queued.sort(Comparator.comparing(QueuedJob::queuedAt));
        queued.forEach(this::index);
        try (KeyValueIterator<String, Long> it = outstanding.all()) {
            it.forEachRemaining(kv -> outstandingByWorker.merge(StoreKeys.workerOf(kv.key), 1, Integer::sum));
        }
    }

    @Nullable
    JobEntry entry(String jobId) {
        return jobs.get(jobId);
    }

    void enqueue(JobRequested job, Instant now) {
        String key = StoreKeys.queueKey(job);
        QueuedJob queued = new QueuedJob(job, now);
        queue.put(key, queued);
        jobs.put(job.jobId(), JobEntry.queued(job.model(), job.tenantId(), key));
        index(queued);
    }

    /** Up to {@code max} jobs of {@code model} in queue order (priority, then acceptance). */
    List<QueuedJob> head(String model, int max) {
        List<QueuedJob> head = new ArrayList<>(max);
        try (KeyValueIterator<String, QueuedJob> it =
                queue.prefixScan(StoreKeys.queuePrefix(model), PREFIX_SERIALIZER)) {
            while (head.size() < max && it.hasNext()) {
                head.add(it.next().value);
            }
        }
        return head;
    }

    /** Moves queued jobs to a worker: off the queue, counted as outstanding on the worker. */
    void markDispatched(List<QueuedJob> batch, String workerId, Instant now) {
        for (QueuedJob q : batch) {
            String jobId = q.job().jobId();
            queue.delete(StoreKeys.queueKey(q.job()));
            index.remove(jobId);
            JobEntry entry = jobs.get(jobId);
            JobEntry base = entry != null
                    ? entry
                    : JobEntry.queued(q.job().model(), q.job().tenantId(), "");
            jobs.put(jobId, base.dispatchedTo(workerId));
            if (outstanding.putIfAbsent(StoreKeys.outstandingKey(workerId, jobId), now.toEpochMilli()) == null) {
                outstandingByWorker.merge(workerId, 1, Integer::sum);
            }
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
            removed = queue.delete(queueKey);
            index.remove(jobId);
        }
        String workerId = entry.workerId();
        if (workerId != null && outstanding.delete(StoreKeys.outstandingKey(workerId, jobId)) != null) {
            outstandingByWorker.computeIfPresent(workerId, (w, n) -> n > 1 ? n - 1 : null);
        }
        Instant retireAt = now.plus(retention);
        jobs.put(jobId, entry.finishedAt(retireAt));
        retire.put(StoreKeys.retireKey(retireAt, jobId), jobId);
        return removed;
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

    int outstanding(String workerId) {
        return outstandingByWorker.getOrDefault(workerId, 0);
    }

    /**
     * Forgets up to {@code max} job ids whose retention ended at or before {@code now}.
     *
     * @return how many were forgotten
     */
    int purgeRetired(Instant now, int max) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> it = retire.all()) {
            while (expired.size() < max && it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (StoreKeys.retireMillis(kv.key) > now.toEpochMilli()) {
                    break;
                }
                expired.add(kv.key);
            }
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

    private void index(QueuedJob q) {
        Instant deadline = q.job().deadline();
        index.add(
                q.job().model(),
                q.job().jobId(),
                q.queuedAt().toEpochMilli(),
                deadline == null ? null : deadline.toEpochMilli());
    }
}
