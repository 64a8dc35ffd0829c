package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.TokenDelta;
import java.util.ArrayDeque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The most recent token deltas of one job, as this ingress instance read them from the tokens topic
 * since the job's first stream subscriber: the in-memory source a resumed stream reads before it
 * needs Kafka. Holds at most {@code capacity} deltas (the oldest go first) and is contiguous: it
 * records every delta of the job from its first one on. Thread-safe.
 */
final class TokenLog {
    private final int capacity;
    private final boolean fromStart;
    private final ArrayDeque<TokenDelta> deltas = new ArrayDeque<>();

    /**
     * @param fromStart true when the log was made before the job's first delta reached this
     *     instance: while it is empty, the job has produced nothing yet
     */
    TokenLog(int capacity, boolean fromStart) {
        this.capacity = capacity;
        this.fromStart = fromStart;
    }

    synchronized void append(TokenDelta delta) {
        if (deltas.size() >= capacity) {
            deltas.removeFirst();
        }
        deltas.addLast(delta);
    }

    /**
     * The recorded deltas after {@code position}, or null when the log cannot prove it holds every
     * one of them (it started recording, or dropped its oldest, after the position).
     */
    synchronized @Nullable List<TokenDelta> after(StreamPosition position) {
        TokenDelta first = deltas.peekFirst();
        if (first == null) {
            return fromStart ? List.of() : null;
        }
        if (!position.coveredFrom(first)) {
            return null;
        }
        return deltas.stream().filter(position::isBefore).toList();
    }
}
