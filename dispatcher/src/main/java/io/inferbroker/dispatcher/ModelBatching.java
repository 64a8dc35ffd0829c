package io.inferbroker.dispatcher;

import java.time.Duration;

/**
 * How jobs of one model are batched: a batch closes when {@code maxBatchSize} jobs wait, or when the
 * oldest waiting job has waited {@code maxQueueDelay}. A zero delay dispatches every job as soon as a
 * worker has room. Immutable; validated on construction.
 *
 * @param maxBatchSize most jobs in one batch (Triton's {@code max_batch_size}), 1 to {@value #MAX_BATCH_SIZE_LIMIT}
 * @param maxQueueDelay longest a job waits for a batch to fill (Triton's {@code max_queue_delay})
 */
public record ModelBatching(int maxBatchSize, Duration maxQueueDelay) {
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    public static final Duration DEFAULT_MAX_QUEUE_DELAY = Duration.ofMillis(20);
    public static final int MAX_BATCH_SIZE_LIMIT = 4096;

    public ModelBatching {
        if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE_LIMIT) {
            throw new IllegalArgumentException(
                    "max_batch_size must be between 1 and " + MAX_BATCH_SIZE_LIMIT + ", was " + maxBatchSize);
        }
        if (maxQueueDelay.isNegative()) {
            throw new IllegalArgumentException("max_queue_delay must be >= 0, was " + maxQueueDelay);
        }
    }

    /** Eight jobs or 20 ms, whichever comes first. */
    public static ModelBatching defaults() {
        return new ModelBatching(DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_QUEUE_DELAY);
    }

    /**
     * Whether a batch should close now.
     *
     * @param queued jobs waiting for this model
     * @param oldestWait how long the longest-waiting of them has waited
     */
    public boolean isDue(int queued, Duration oldestWait) {
        if (queued <= 0) {
            return false;
        }
        return queued >= maxBatchSize || oldestWait.compareTo(maxQueueDelay) >= 0;
    }
}
