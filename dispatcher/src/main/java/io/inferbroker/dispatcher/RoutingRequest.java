package io.inferbroker.dispatcher;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a batch about to be formed needs from a worker.
 *
 * @param model the model the jobs are for (a fallback model when the dispatcher tries a fallback chain)
 * @param jobsWanted jobs the dispatcher would put in the batch (at least 1, at most the model's batch size)
 * @param deadlines each job's deadline in batch order ({@link Instant#MAX} for a job without one);
 *     {@code jobsWanted} entries
 * @param outputTokens the most output tokens one of those jobs may ask for ({@code max_tokens}, or a default)
 */
public record RoutingRequest(String model, int jobsWanted, List<Instant> deadlines, long outputTokens) {

    public RoutingRequest {
        if (jobsWanted < 1) {
            throw new IllegalArgumentException("jobsWanted must be >= 1, was " + jobsWanted);
        }
        if (outputTokens < 0) {
            throw new IllegalArgumentException("outputTokens must be >= 0, was " + outputTokens);
        }
        if (deadlines.size() != jobsWanted) {
            throw new IllegalArgumentException(
                    "deadlines must have one entry per job (" + jobsWanted + "), had " + deadlines.size());
        }
        deadlines = List.copyOf(deadlines);
    }

    /** Jobs that all share one deadline (or none, when null). */
    public RoutingRequest(String model, int jobsWanted, @Nullable Instant deadline, long outputTokens) {
        this(
                model,
                jobsWanted,
                Collections.nCopies(jobsWanted, deadline == null ? Instant.MAX : deadline),
                outputTokens);
    }

    /** A request without a deadline or output estimate. */
    public static RoutingRequest of(String model, int jobsWanted) {
        return new RoutingRequest(model, jobsWanted, (Instant) null, 0);
    }

    /** The earliest deadline among the jobs; null when none has one. */
    public @Nullable Instant deadline() {
        Instant earliest = Instant.MAX;
        for (Instant d : deadlines) {
            if (d.isBefore(earliest)) {
                earliest = d;
            }
        }
        return earliest.equals(Instant.MAX) ? null : earliest;
    }
}
