package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.CircuitBreakerSettings;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One task's circuit breakers, one per worker, driven by the results the task sees and by its
 * wall-clock time: {@code closed} (work flows) opens after the configured failures in a row;
 * {@code open} keeps work away until its time is up; then {@code half_open} lets one job through
 * as a probe, whose result closes or reopens the breaker. Soft state: a task that restarts starts
 * with closed breakers, which at worst costs a few more failures. Confined to one stream thread.
 *
 * <p>A small state machine rather than a library: it must run on the stream task's wall clock
 * (tests drive it with {@code advanceWallClockTime}), per task, without threads or timers.
 */
final class Breakers {
    /** A breaker's state, by its wire name. */
    enum State {
        CLOSED("closed"),
        OPEN("open"),
        HALF_OPEN("half_open");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }
    }

    private record Breaker(State state, int failures, long openUntilMillis, boolean probing) {
        static final Breaker CLOSED = new Breaker(State.CLOSED, 0, 0, false);
    }

    private final CircuitBreakerSettings settings;
    private final Map<String, Breaker> breakers = new HashMap<>();

    Breakers(CircuitBreakerSettings settings) {
        this.settings = settings;
    }

    /** The state of {@code workerId}'s breaker at {@code now}. */
    State state(String workerId, Instant now) {
        return current(workerId, now).state();
    }

    /** How many jobs {@code workerId} may get now: none while open, one probe while half open, else any. */
    int allowance(String workerId, Instant now) {
        Breaker b = current(workerId, now);
        return switch (b.state()) {
            case CLOSED -> Integer.MAX_VALUE;
            case OPEN -> 0;
            case HALF_OPEN -> b.probing() ? 0 : 1;
        };
    }

    /** Notes that work went to {@code workerId}; in half open that work is the probe. */
    void dispatched(String workerId, Instant now) {
        Breaker b = current(workerId, now);
        if (b.state() == State.HALF_OPEN) {
            breakers.put(workerId, new Breaker(State.HALF_OPEN, b.failures(), b.openUntilMillis(), true));
        }
    }

    /** Counts a result of a job that ran on {@code workerId}. */
    void result(String workerId, boolean succeeded, Instant now) {
        Breaker b = current(workerId, now);
        Breaker next = switch (b.state()) {
            case CLOSED -> succeeded ? Breaker.CLOSED : failedWhileClosed(b, now);
            case OPEN -> b; // a late result of work sent before it opened
            case HALF_OPEN -> succeeded ? Breaker.CLOSED : open(b.failures() + 1, now);
        };
        if (next.equals(Breaker.CLOSED)) {
            breakers.remove(workerId);
        } else {
            breakers.put(workerId, next);
        }
    }

    /** Workers whose breaker is not closed at {@code now}, with their state. */
    Map<String, State> notClosed(Instant now) {
        Map<String, State> out = new HashMap<>();
        for (String workerId : List.copyOf(breakers.keySet())) {
            State s = state(workerId, now);
            if (s != State.CLOSED) {
                out.put(workerId, s);
            }
        }
        return out;
    }

    /** When the next open breaker turns half open, in wall-clock milliseconds; {@link Long#MAX_VALUE} when none is open. */
    long nextChangeMillis() {
        long next = Long.MAX_VALUE;
        for (Breaker b : breakers.values()) {
            if (b.state() == State.OPEN) {
                next = Math.min(next, b.openUntilMillis());
            }
        }
        return next;
    }

    private Breaker failedWhileClosed(Breaker b, Instant now) {
        int failures = b.failures() + 1;
        return failures >= settings.failureThreshold()
                ? open(failures, now)
                : new Breaker(State.CLOSED, failures, 0, false);
    }

    private Breaker open(int failures, Instant now) {
        return new Breaker(State.OPEN, failures, now.plus(settings.openFor()).toEpochMilli(), false);
    }

    private Breaker current(String workerId, Instant now) {
        Breaker b = breakers.getOrDefault(workerId, Breaker.CLOSED);
        if (b.state() == State.OPEN && now.toEpochMilli() >= b.openUntilMillis()) {
            b = new Breaker(State.HALF_OPEN, b.failures(), b.openUntilMillis(), false);
            breakers.put(workerId, b);
        }
        return b;
    }
}
