package io.inferbroker.testkit.upstream;

import java.time.Duration;

/**
 * How a fake model server answers one request. Queue scenarios with {@code enqueue}; a request
 * with none queued gets {@link Normal}.
 */
public sealed interface Scenario {

    /** A well-formed answer: the echo of the prompt. */
    record Normal() implements Scenario {}

    /** A well-formed answer whose first token (or whole answer) comes only after {@code delay}. */
    record SlowFirstToken(Duration delay) implements Scenario {}

    /** A stream that stops after {@code tokens} tokens: the connection closes without an end. */
    record CutAfter(int tokens) implements Scenario {}

    /** 429 Too Many Requests with {@code Retry-After: seconds}. */
    record RateLimited(int retryAfterSeconds) implements Scenario {}

    /** 503 Service Unavailable with {@code Retry-After: seconds}. */
    record Unavailable(int retryAfterSeconds) implements Scenario {}

    /** An error status (such as 500 or 400) with the protocol's error body. */
    record Error(int status, String message) implements Scenario {}

    /** A stream with one chunk that is not JSON after {@code tokens} good tokens. */
    record MalformedChunk(int tokens) implements Scenario {}

    /** An answer of {@code tokens} tokens whatever the request's limit. */
    record Huge(int tokens) implements Scenario {}

    /**
     * A stream that never ends: one token every {@code interval} until the client goes away (counted
     * in {@code disconnects()}).
     */
    record Endless(Duration interval) implements Scenario {}

    static Scenario normal() {
        return new Normal();
    }
}
