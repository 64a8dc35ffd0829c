package io.inferbroker.dispatcher;

import java.time.Instant;
import java.util.List;

/**
 * Chooses the worker for the next batch of one model. Called on a stream thread for every batch due,
 * so it must be fast, non-blocking and free of I/O; {@code now} is the dispatcher's wall-clock time,
 * so implementations need no clock of their own. Implementations must be thread-safe (one instance
 * serves every stream thread) and should be deterministic for equal inputs.
 */
@FunctionalInterface
public interface RoutingPolicy {

    /**
     * @param request the model, how many jobs, their earliest deadline and output size
     * @param candidates usable workers for the model, possibly with no headroom; may be empty
     * @param now the dispatcher's wall-clock time
     * @return a worker from {@code candidates} and how many jobs to send it, or {@link RoutingVerdict.NoWorker}
     */
    RoutingVerdict route(RoutingRequest request, List<WorkerCandidate> candidates, Instant now);

    /** {@link #route(RoutingRequest, List, Instant)} for jobs without deadline or output estimate. */
    default RoutingVerdict route(String model, int jobsWanted, List<WorkerCandidate> candidates, Instant now) {
        return route(RoutingRequest.of(model, jobsWanted), candidates, now);
    }

    /** The verdict when no candidate has headroom. */
    static RoutingVerdict.NoWorker noWorker(String model, List<WorkerCandidate> candidates) {
        return new RoutingVerdict.NoWorker(
                candidates.isEmpty()
                        ? "no usable worker serves model " + model
                        : "no usable worker for model " + model + " has headroom");
    }
}
