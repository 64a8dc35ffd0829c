package io.inferbroker.dispatcher;

/** What a {@link RoutingPolicy} decided for the jobs waiting for one model. */
public sealed interface RoutingVerdict {

    /**
     * Send a batch of up to {@code jobs} jobs to {@code workerId}. The dispatcher never sends more
     * than the jobs waiting, the model's batch size or the worker's headroom.
     */
    record Route(String workerId, int jobs) implements RoutingVerdict {
        public Route {
            if (jobs < 1) {
                throw new IllegalArgumentException("a route needs at least one job, was " + jobs);
            }
        }
    }

    /** No worker can take work now; the jobs stay queued and are offered again on the next tick. */
    record NoWorker(String reason) implements RoutingVerdict {}
}
