package io.inferbroker.dispatcher;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Strategy {@code latency}: routes to the candidate with headroom that is expected to finish the
 * jobs first, by its measured time to first token plus the output at its measured tokens per second
 * ({@link WorkerCandidate#expectedMillis(long)}); ties go to the most headroom, then the smallest
 * worker id. Stateless and thread-safe.
 */
public final class LatencyPolicy implements RoutingPolicy {

    @Override
    public RoutingVerdict route(RoutingRequest request, List<WorkerCandidate> candidates, Instant now) {
        Comparator<WorkerCandidate> fastest = Comparator.<WorkerCandidate>comparingDouble(
                        c -> c.expectedMillis(request.outputTokens()))
                .thenComparing(
                        Comparator.comparingInt(WorkerCandidate::headroom).reversed())
                .thenComparing(WorkerCandidate::workerId);
        return candidates.stream()
                .filter(c -> c.headroom() > 0)
                .min(fastest)
                .<RoutingVerdict>map(
                        c -> new RoutingVerdict.Route(c.workerId(), Math.min(request.jobsWanted(), c.headroom())))
                .orElseGet(() -> RoutingPolicy.noWorker(request.model(), candidates));
    }
}
