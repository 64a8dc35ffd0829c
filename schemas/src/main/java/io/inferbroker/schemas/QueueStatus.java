package io.inferbroker.schemas;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Value of the compacted queues topic (key: model): how many jobs of one model wait for dispatch,
 * published by the dispatcher task that owns the model's queue on every change (at a bounded rate)
 * and at least every second while it owns the queue. Readers such as the ingress keep the latest
 * value per model to shed load before a queue grows without bound.
 *
 * @param queued jobs of the model waiting for dispatch now
 * @param oldestQueuedAt when the longest-waiting of them was queued; null when none waits
 * @param at when the dispatcher took this status (its wall clock)
 * @param workers the workers the publishing task has sent work to, with its own outstanding count
 *     and circuit breaker state for each; null from dispatchers that do not report it
 * @param latestAcceptedAt the latest {@code accepted_at} among the model's requests the publishing
 *     task has read so far: a job its ingress accepted later is still on its way to the queue and
 *     not in {@code queued}, so admission counts it on top; null from dispatchers that do not
 *     report it, and before the task has read any request of the model
 */
public record QueueStatus(
        int schemaVersion,
        String model,
        int queued,
        @Nullable Instant oldestQueuedAt,
        Instant at,
        @Nullable List<WorkerLoad> workers,
        @Nullable Instant latestAcceptedAt) {

    public static final int VERSION = 1;

    public QueueStatus {
        workers = workers == null || workers.isEmpty() ? null : List.copyOf(workers);
    }

    /** A status without worker detail. */
    public QueueStatus(int schemaVersion, String model, int queued, @Nullable Instant oldestQueuedAt, Instant at) {
        this(schemaVersion, model, queued, oldestQueuedAt, at, null, null);
    }

    /** A status that does not say which requests it has read. */
    public QueueStatus(
            int schemaVersion,
            String model,
            int queued,
            @Nullable Instant oldestQueuedAt,
            Instant at,
            @Nullable List<WorkerLoad> workers) {
        this(schemaVersion, model, queued, oldestQueuedAt, at, workers, null);
    }

    /** The reported workers; empty when none were reported. */
    public List<WorkerLoad> workerLoads() {
        return workers == null ? List.of() : workers;
    }
}
