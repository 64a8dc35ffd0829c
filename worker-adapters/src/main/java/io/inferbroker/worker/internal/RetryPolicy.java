package io.inferbroker.worker.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether and when to try a model-server call again. Only calls that produced no token yet are
 * retried (the caller's job); this decides how often and how long to wait: exponential backoff from
 * {@code initialBackoff}, at least the server's {@code Retry-After}, giving up when that is longer
 * than {@code maxBackoff} or the attempts are spent. Pure and thread-safe.
 */
record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** What to do after a failed attempt. */
    public sealed interface Verdict {
        /** Try again after {@code delay}. */
        record Retry(Duration delay) implements Verdict {}

        /** Stop: the failure is final. */
        record GiveUp() implements Verdict {}
    }

    /**
     * @param attempt the attempt that just failed, from 1
     * @param retryable whether the failure is worth another try (connection failures, 429, 5xx)
     * @param retryAfter what the server asked for, if anything
     */
    public Verdict afterFailure(int attempt, boolean retryable, Optional<Duration> retryAfter) {
        if (!retryable || attempt >= maxAttempts) {
            return new Verdict.GiveUp();
        }
        if (retryAfter.isPresent() && retryAfter.get().compareTo(maxBackoff) > 0) {
            return new Verdict.GiveUp();
        }
        Duration backoff = initialBackoff.multipliedBy(1L << Math.min(20, attempt - 1));
        if (backoff.compareTo(maxBackoff) > 0) {
            backoff = maxBackoff;
        }
        if (retryAfter.isPresent() && retryAfter.get().compareTo(backoff) > 0) {
            backoff = retryAfter.get();
        }
        return new Verdict.Retry(backoff);
    }

    /** Whether an HTTP status is worth another try: 408, 429 and the 5xx of overload or failover. */
    public static boolean retryableStatus(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }
}
