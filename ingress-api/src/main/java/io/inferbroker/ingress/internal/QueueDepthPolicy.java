package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.QueueStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Sheds load per model: a submission for a model whose queue holds at least its {@code max_queued}
 * jobs is refused with 503 instead of growing the queue. Reads the queue depth the dispatcher
 * published ({@link QueueBoard}); a model with no limit (0), no status, or a status older than
 * {@code staleAfter} is admitted (fail open: a stopped dispatcher must not stop all submissions,
 * and the queue is durable in Kafka). Thread-safe.
 *
 * <p>The published depth leaves out the jobs on their way: accepted here, not yet read by the
 * dispatcher. Under overload the dispatcher reads requests late (seconds, on a busy machine), and a
 * limit on the published depth alone lets in that many more jobs. So the depth counted is the
 * published one plus the jobs this instance admitted for the model after the status's {@link
 * QueueStatus#latestAcceptedAt()} (or after the status was taken, from a dispatcher that does not
 * report it). Those are remembered only until the dispatcher reports having read past them, at most
 * {@code staleAfter}, and never more than the limit. Jobs admitted by other ingress instances count
 * once the dispatcher has read them.
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
    /** Per model, when each job admitted here and possibly not yet read by the dispatcher was admitted. */
    private final Map<String, Deque<Instant>> onTheirWay = new ConcurrentHashMap<>();

    QueueDepthPolicy(ToIntFunction<String> maxQueued, QueueBoard board, InstantSource clock, Duration staleAfter) {
        this.maxQueued = maxQueued;
        this.board = board;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /**
     * Admits when the model's queue, with the jobs on their way to it, is below its limit; an
     * admitted job counts as on its way from now on, until {@link #withdraw} or the dispatcher reads
     * past it.
     */
    @Override
    public AdmissionVerdict admit(AdmissionRequest request) {
        int max = maxQueued.applyAsInt(request.model());
        if (max <= 0) {
            return AdmissionVerdict.Admit.unlimited();
        }
        Instant now = clock.instant();
        Optional<QueueStatus> status = board.fresh(request.model(), now, staleAfter);
        if (status.isEmpty()) {
            return AdmissionVerdict.Admit.unlimited();
        }
        QueueStatus s = status.get();
        Instant readUpTo = s.latestAcceptedAt() == null ? s.at() : s.latestAcceptedAt();
        Deque<Instant> mine = onTheirWay.computeIfAbsent(request.model(), m -> new ArrayDeque<>());
        int coming;
        synchronized (mine) {
            Instant forgetBefore = now.minus(staleAfter);
            mine.removeIf(at -> !at.isAfter(readUpTo) || at.isBefore(forgetBefore));
            coming = mine.size();
            if (s.queued() + coming < max) {
                mine.addLast(now);
                return AdmissionVerdict.Admit.unlimited();
            }
        }
        int depth = s.queued() + coming;
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("model", s.model());
        context.put("queued", depth);
        context.put("max_queued", max);
        return new AdmissionVerdict.Reject(
                503,
                AdmissionReason.QUEUE_FULL,
                retryAfter(s, depth, max),
                "model '" + s.model() + "' has " + depth + " jobs queued, at its limit of " + max + "; retry later",
                context,
                List.of());
    }

    /** Takes back the latest admission for {@code model}: the job it let in was refused after all. */
    void withdraw(AdmissionRequest request) {
        Deque<Instant> mine = onTheirWay.get(request.model());
        if (mine != null) {
            synchronized (mine) {
                mine.pollLast();
            }
        }
    }

    static Duration retryAfter(QueueStatus s, int max) {
        return retryAfter(s, s.queued(), max);
    }

    /** As {@link #retryAfter(QueueStatus, int)} for {@code depth} jobs: the published ones and those on their way. */
    static Duration retryAfter(QueueStatus s, int depth, int max) {
        if (s.oldestQueuedAt() == null || s.queued() == 0) {
            return Duration.ofSeconds(1);
        }
        Duration waited = Duration.between(s.oldestQueuedAt(), s.at());
        if (!waited.isPositive()) {
            return Duration.ofSeconds(1);
        }
        long excess = (long) depth - max + 1;
        Duration drain = waited.multipliedBy(excess).dividedBy(s.queued());
        if (drain.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return drain.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : drain;
    }
}
