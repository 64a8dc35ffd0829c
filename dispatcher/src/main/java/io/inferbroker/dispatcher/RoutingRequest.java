package io.inferbroker.dispatcher;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a batch about to be formed needs from a worker.
 *
 * @param model the model the jobs are for (a fallback model when the dispatcher tries a fallback chain)
 * @param jobsWanted jobs the dispatcher would put in the batch (at least 1, at most the model's batch size)
 * @param deadline the earliest deadline among those jobs; null when none has one
 * @param outputTokens the most output tokens one of those jobs may ask for ({@code max_tokens}, or a default)
 */
public record RoutingRequest(
        String model, int jobsWanted, @Nullable Instant deadline, long outputTokens) {

    public RoutingRequest {
        if (jobsWanted < 1) {
            throw new IllegalArgumentException("jobsWanted must be >= 1, was " + jobsWanted);
        }
        if (outputTokens < 0) {
            throw new IllegalArgumentException("outputTokens must be >= 0, was " + outputTokens);
        }
    }

    /** A request without a deadline or output estimate. */
    public static RoutingRequest of(String model, int jobsWanted) {
        return new RoutingRequest(model, jobsWanted, null, 0);
    }
}
