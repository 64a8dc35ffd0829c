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
     * @param model the model the jobs are for
     * @param jobsWanted jobs the dispatcher would put in the batch (at least 1, at most the model's batch size)
     * @param candidates usable workers for the model, possibly with no headroom; may be empty
     * @param now the dispatcher's wall-clock time
     * @return a worker from {@code candidates} and how many jobs to send it, or {@link RoutingVerdict.NoWorker}
     */
    RoutingVerdict route(String model, int jobsWanted, List<WorkerCandidate> candidates, Instant now);
}
