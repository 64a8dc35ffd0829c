package io.inferbroker.dispatcher;

import java.time.Duration;
import java.util.List;

/**
 * How jobs of one model are batched (Triton's vocabulary): a batch closes when {@code maxBatchSize}
 * jobs wait, when a preferred size can be formed, or when the oldest waiting job has waited
 * {@code maxQueueDelay}; {@link #sizeToSend} says how many of the jobs that fit go. A zero delay
 * dispatches every job as soon as a worker has room. Immutable; validated on construction.
 *
 * @param maxBatchSize most jobs in one batch ({@code max_batch_size}), 1 to {@value #MAX_BATCH_SIZE_LIMIT}
 * @param maxQueueDelay longest a job waits for a batch to fill ({@code max_queue_delay})
 * @param preferredBatchSizes batch sizes the model runs best at ({@code preferred_batch_sizes}), ascending,
 *     each at most {@code maxBatchSize}; empty for none
 */
public record ModelBatching(int maxBatchSize, Duration maxQueueDelay, List<Integer> preferredBatchSizes) {
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
        preferredBatchSizes = preferredBatchSizes.stream().distinct().sorted().toList();
        for (int size : preferredBatchSizes) {
            if (size < 1 || size > maxBatchSize) {
                throw new IllegalArgumentException("preferred_batch_sizes must lie between 1 and max_batch_size "
                        + maxBatchSize + ", was " + preferredBatchSizes);
            }
        }
    }

    /** Batching without preferred sizes. */
    public ModelBatching(int maxBatchSize, Duration maxQueueDelay) {
        this(maxBatchSize, maxQueueDelay, List.of());
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
        return isFull(queued, oldestWait)
                || (!preferredBatchSizes.isEmpty() && queued >= preferredBatchSizes.getFirst());
    }

    /**
     * How many of {@code available} jobs (what waits, within the batch size and the worker's
     * headroom) to send now. Without preferred sizes: all of them. With preferred sizes: the largest
     * preferred size that fits; when none fits, all of them only if fewer jobs wait than the smallest
     * preferred size and the oldest waited {@code maxQueueDelay}, else none (0: wait for more jobs or
     * more headroom). So a busy worker gets its work in preferred-size groups, which lets a
     * continuously batching server amortise its prefill, and a trickle still leaves on time. A
     * worker whose whole capacity is below the smallest preferred size gets only such trickles.
     */
    public int sizeToSend(int queued, Duration oldestWait, int available) {
        if (available <= 0) {
            return 0;
        }
        if (preferredBatchSizes.isEmpty()) {
            return available;
        }
        int best = 0;
        for (int size : preferredBatchSizes) {
            if (size <= available) {
                best = size;
            }
        }
        if (best > 0) {
            return best;
        }
        return queued < preferredBatchSizes.getFirst() && isFull(queued, oldestWait) ? available : 0;
    }

    private boolean isFull(int queued, Duration oldestWait) {
        return queued >= maxBatchSize || oldestWait.compareTo(maxQueueDelay) >= 0;
    }
}
