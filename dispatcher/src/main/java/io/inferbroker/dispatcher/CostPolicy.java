package io.inferbroker.dispatcher;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Strategy {@code cost}: routes to the cheapest candidate with headroom whose expected completion
 * ({@link WorkerCandidate#expectedMillis(long)} from now) meets the earliest deadline of the jobs;
 * the price is {@link WorkerCandidate#jobCost(long, long)} of one job. When the cheapest workers are
 * full, work spills to dearer ones. When no worker with headroom meets the deadline, the fastest one
 * takes the work (it has the best chance). Ties go to the most headroom, then the smallest worker id.
 * Stateless and thread-safe.
 */
public final class CostPolicy implements RoutingPolicy {
    /** Input tokens assumed per job for the price comparison; only the ordering of workers matters. */
    static final long INPUT_TOKENS = 256;

    @Override
    public RoutingVerdict route(RoutingRequest request, List<WorkerCandidate> candidates, Instant now) {
        long out = request.outputTokens();
        Comparator<WorkerCandidate> tieBreak =
                Comparator.comparingInt(WorkerCandidate::headroom).reversed().thenComparing(WorkerCandidate::workerId);
        Comparator<WorkerCandidate> cheapest = Comparator.<WorkerCandidate>comparingDouble(
                        c -> c.jobCost(INPUT_TOKENS, out))
                .thenComparing(tieBreak);
        Comparator<WorkerCandidate> fastest = Comparator.<WorkerCandidate>comparingDouble(c -> c.expectedMillis(out))
                .thenComparing(cheapest);
        List<WorkerCandidate> open =
                candidates.stream().filter(c -> c.headroom() > 0).toList();
        WorkerCandidate chosen = open.stream()
                .filter(c -> meetsDeadline(c, request, now))
                .min(cheapest)
                .orElseGet(() -> open.stream().min(fastest).orElse(null));
        if (chosen == null) {
            return RoutingPolicy.noWorker(request.model(), candidates);
        }
        return new RoutingVerdict.Route(chosen.workerId(), Math.min(request.jobsWanted(), chosen.headroom()));
    }

    private static boolean meetsDeadline(WorkerCandidate c, RoutingRequest request, Instant now) {
        if (request.deadline() == null) {
            return true;
        }
        double finishAt = now.toEpochMilli() + c.expectedMillis(request.outputTokens());
        return finishAt <= request.deadline().toEpochMilli();
    }
}
