package io.inferbroker.store.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed webhook message is tried again: the configured pause for the attempt just made,
 * scaled by jitter, or what {@code Retry-After} asked for when that is later (capped at a day); no
 * retry once the message had its attempts. Thread-safe if the random source is.
 */
public final class RetrySchedule {
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    private final List<Duration> pauses;
    private final double jitter;
    private final DoubleSupplier random;

    /**
     * @param random values in {@code [0, 1)}
     */
    public RetrySchedule(List<Duration> pauses, double jitter, DoubleSupplier random) {
        this.pauses = List.copyOf(pauses);
        this.jitter = jitter;
        this.random = random;
    }

    /** The verdict after a failed attempt. */
    public sealed interface Verdict {
        record RetryAt(Instant at) implements Verdict {}

        record Exhausted() implements Verdict {}
    }

    /**
     * @param attemptsMade attempts made so far, the failed one included (1 after the first)
     * @param maxAttempts attempts this message may have
     */
    public Verdict afterFailure(int attemptsMade, int maxAttempts, Optional<Duration> retryAfter, Instant now) {
        if (attemptsMade >= maxAttempts) {
            return new Verdict.Exhausted();
        }
        Duration base = pauses.isEmpty() ? Duration.ZERO : pauses.get(Math.min(attemptsMade, pauses.size()) - 1);
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        Duration pause = Duration.ofMillis(Math.round(base.toMillis() * factor));
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter.get();
            if (asked.compareTo(pause) > 0) {
                pause = asked;
            }
        }
        return new Verdict.RetryAt(now.plus(pause));
    }
}
