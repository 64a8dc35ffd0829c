package io.inferbroker.worker.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one adapter knows of its model server's condition: reachable or not (the last call told),
 * and until when it asked for no more work (429 or 503 with {@code Retry-After}). Changes are
 * reported to a listener, the worker's status reporter. Thread-safe.
 */
final class UpstreamState {
    /** Backpressure when a 429 or 503 names no {@code Retry-After}. */
    public static final Duration DEFAULT_BACKPRESSURE = Duration.ofSeconds(1);

    private final Clock clock;
    private final String kind;
    private final WorkerMetrics metrics;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final AtomicReference<Instant> backpressureUntil = new AtomicReference<>(Instant.MIN);
    private volatile Runnable listener = () -> {};

    /**
     * @param kind the adapter's kind, the tag of its meters
     * @param metrics where retries and backpressure are counted
     */
    public UpstreamState(Clock clock, String kind, WorkerMetrics metrics) {
        this.clock = clock;
        this.kind = kind;
        this.metrics = metrics;
    }

    /** A call is tried again, for {@code reason} (a status such as {@code 429} or {@code 5xx}, or {@code unreachable}). */
    public void retried(String reason) {
        metrics.upstreamRetry(kind, reason);
    }

    public Clock clock() {
        return clock;
    }

    /** Sets the one listener told about every change; it must return quickly. */
    public void onChange(Runnable changed) {
        listener = changed;
    }

    public boolean healthy() {
        return reachable.get();
    }

    /** The server asked for no more work until then; empty when that time has passed. */
    public Optional<Instant> backpressureUntil() {
        Instant until = backpressureUntil.get();
        return clock.instant().isBefore(until) ? Optional.of(until) : Optional.empty();
    }

    /** A call reached the server. */
    public void reached() {
        if (reachable.compareAndSet(false, true)) {
            listener.run();
        }
    }

    /** A call could not connect. */
    public void unreachable() {
        if (reachable.compareAndSet(true, false)) {
            listener.run();
        }
    }

    /** The server answered 429 or 503 and asked to wait {@code wait}. */
    public void backpressure(Duration wait) {
        metrics.upstreamBackpressure(kind);
        Instant until = clock.instant().plus(wait.isZero() ? DEFAULT_BACKPRESSURE : wait);
        Instant before = backpressureUntil.getAndAccumulate(until, (a, b) -> a.isAfter(b) ? a : b);
        if (until.isAfter(before)) {
            listener.run();
        }
    }
}
