package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.QueueStatus;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Sheds load per model: a submission for a model whose queue holds at least its {@code max_queued}
 * jobs is refused with 503 instead of growing the queue. Reads the queue depth the dispatcher
 * published ({@link QueueBoard}); a model with no limit (0), no status, or a status older than
 * {@code staleAfter} is admitted (fail open: a stopped dispatcher must not stop all submissions,
 * and the queue is durable in Kafka). Thread-safe.
 *
 * <p>Retry-After estimates when the excess will have drained: the oldest job has waited {@code W}
 * for the {@code Q} jobs queued now, so the queue drains at about {@code Q / W} jobs per second, and
 * the {@code Q - max + 1} jobs above the limit take {@code (Q - max + 1) * W / Q}; at least 1 s, at
 * most 60 s, and 1 s when the queue has no waiting time to go by.
 */
final class QueueDepthPolicy implements AdmissionPolicy {
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private final ToIntFunction<String> maxQueued;
    private final QueueBoard board;
    private final InstantSource clock;
    private final Duration staleAfter;

    QueueDepthPolicy(ToIntFunction<String> maxQueued, QueueBoard board, InstantSource clock, Duration staleAfter) {
        this.maxQueued = maxQueued;
        this.board = board;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    @Override
    public AdmissionVerdict admit(AdmissionRequest request) {
        int max = maxQueued.applyAsInt(request.model());
        if (max <= 0) {
            return AdmissionVerdict.Admit.unlimited();
        }
        Optional<QueueStatus> status = board.fresh(request.model(), clock.instant(), staleAfter);
        if (status.isEmpty() || status.get().queued() < max) {
            return AdmissionVerdict.Admit.unlimited();
        }
        QueueStatus s = status.get();
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("model", s.model());
        context.put("queued", s.queued());
        context.put("max_queued", max);
        return new AdmissionVerdict.Reject(
                503,
                AdmissionReason.QUEUE_FULL,
                retryAfter(s, max),
                "model '" + s.model() + "' has " + s.queued() + " jobs queued, at its limit of " + max
                        + "; retry later",
                context,
                List.of());
    }

    static Duration retryAfter(QueueStatus s, int max) {
        if (s.oldestQueuedAt() == null || s.queued() == 0) {
            return Duration.ofSeconds(1);
        }
        Duration waited = Duration.between(s.oldestQueuedAt(), s.at());
        if (!waited.isPositive()) {
            return Duration.ofSeconds(1);
        }
        long excess = (long) s.queued() - max + 1;
        Duration drain = waited.multipliedBy(excess).dividedBy(s.queued());
        if (drain.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return drain.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : drain;
    }
}
