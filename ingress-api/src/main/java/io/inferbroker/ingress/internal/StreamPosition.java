package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.TokenDelta;
import java.util.Optional;

/**
 * Where a job's token stream stands: after sequence number {@code seq} of attempt {@code attempt}
 * ({@code seq} 0 = before the attempt's first token). The SSE event id of a token is its position:
 * {@code <seq>} on a job's first attempt, {@code <attempt>.<seq>} on a later one, so a client that
 * sends it back as {@code Last-Event-ID} resumes exactly after it.
 */
record StreamPosition(int attempt, long seq) {
    static final StreamPosition START = new StreamPosition(1, 0);

    /** The position a {@code Last-Event-ID} names; empty when the id is not one this API gave out. */
    static Optional<StreamPosition> parse(String eventId) {
        String id = eventId.trim();
        try {
            int dot = id.indexOf('.');
            int attempt = dot < 0 ? 1 : Integer.parseInt(id.substring(0, dot));
            long seq = Long.parseLong(dot < 0 ? id : id.substring(dot + 1));
            if (attempt < 1 || seq < 0) {
                return Optional.empty();
            }
            return Optional.of(new StreamPosition(attempt, seq));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static StreamPosition of(TokenDelta delta) {
        return new StreamPosition(delta.attempt(), delta.seq());
    }

    /** The SSE event id of this position. */
    String eventId() {
        return attempt == 1 ? Long.toString(seq) : attempt + "." + seq;
    }

    /** True when {@code delta} comes after this position: a later attempt, or a later token of this one. */
    boolean isBefore(TokenDelta delta) {
        return delta.attempt() > attempt || (delta.attempt() == attempt && delta.seq() > seq);
    }

    /** True when a record starting at {@code first} holds every delta after this position. */
    boolean coveredFrom(TokenDelta first) {
        if (first.attempt() < attempt) {
            return true;
        }
        if (first.attempt() > attempt) {
            // What is left of an earlier attempt does not matter once a later one runs.
            return first.seq() <= 1;
        }
        return first.seq() <= seq + 1;
    }
}
