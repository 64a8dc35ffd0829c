package io.inferbroker.dispatcher;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Strategy {@code least-loaded}: routes to the candidate with the most headroom; ties go to the
 * lowest measured time to first token, then to the smallest worker id (so equal inputs give equal
 * answers). The batch is limited by the chosen worker's headroom. Stateless and thread-safe.
 */
public final class LeastLoadedPolicy implements RoutingPolicy {
    private static final Comparator<WorkerCandidate> BEST_FIRST = Comparator.comparingInt(WorkerCandidate::headroom)
            .reversed()
            .thenComparing(c -> c.status().ttftMs(), Double::compare)
            .thenComparing(WorkerCandidate::workerId);

    @Override
    public RoutingVerdict route(RoutingRequest request, List<WorkerCandidate> candidates, Instant now) {
        return candidates.stream()
                .filter(c -> c.headroom() > 0)
                .min(BEST_FIRST)
                .<RoutingVerdict>map(
                        c -> new RoutingVerdict.Route(c.workerId(), Math.min(request.jobsWanted(), c.headroom())))
                .orElseGet(() -> RoutingPolicy.noWorker(request.model(), candidates));
    }
}
