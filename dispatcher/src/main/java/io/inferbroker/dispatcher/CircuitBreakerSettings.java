package io.inferbroker.dispatcher;

import java.time.Duration;

/**
 * The per-worker circuit breaker: after {@code failureThreshold} failed results in a row from one
 * worker, it gets no work for {@code openFor}; then one job goes to it as a probe, and its result
 * closes the breaker again (success) or opens it for another {@code openFor} (failure). Immutable.
 *
 * @param failureThreshold consecutive failed results that open the breaker ({@code BROKER_DISPATCHER_BREAKER_FAILURES})
 * @param openFor how long an open breaker keeps work away ({@code BROKER_DISPATCHER_BREAKER_OPEN})
 */
public record CircuitBreakerSettings(int failureThreshold, Duration openFor) {
    public CircuitBreakerSettings {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException(
                    "BROKER_DISPATCHER_BREAKER_FAILURES must be >= 1, was " + failureThreshold);
        }
        if (openFor.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("BROKER_DISPATCHER_BREAKER_OPEN must be >= 1 ms, was " + openFor);
        }
    }

    /** Five failures in a row open the breaker for 30 s. */
    public static CircuitBreakerSettings defaults() {
        return new CircuitBreakerSettings(5, Duration.ofSeconds(30));
    }
}
