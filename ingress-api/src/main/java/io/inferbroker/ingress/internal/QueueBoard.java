package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.QueueStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The latest queue status of every model, as the dispatcher published it on the compacted queues
 * topic (a {@link FanOutReader} fills it). Lets admission see a model's queue depth without a
 * database round trip. Thread-safe: one writer, any number of readers.
 */
final class QueueBoard {
    private final Map<String, QueueStatus> latest = new ConcurrentHashMap<>();

    /** Records the newest status of {@code model}; null (a tombstone) forgets the model. */
    void update(String model, @Nullable QueueStatus status) {
        if (status == null) {
            latest.remove(model);
        } else {
            latest.put(model, status);
        }
    }

    /** Every model's latest status, by model name. */
    public java.util.List<QueueStatus> all() {
        return latest.values().stream()
                .sorted(java.util.Comparator.comparing(QueueStatus::model))
                .toList();
    }

    /** The latest status of {@code model}, however old. */
    public Optional<QueueStatus> latest(String model) {
        return Optional.ofNullable(latest.get(model));
    }

    /**
     * The latest status of {@code model} when it was taken no longer than {@code staleAfter} before
     * {@code now}; empty when there is none or it is stale (its dispatcher stopped reporting).
     * Compares the dispatcher's clock with ours, so it assumes clocks agree to well within {@code
     * staleAfter}.
     */
    public Optional<QueueStatus> fresh(String model, Instant now, Duration staleAfter) {
        QueueStatus status = latest.get(model);
        if (status == null || status.at().plus(staleAfter).isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(status);
    }
}
