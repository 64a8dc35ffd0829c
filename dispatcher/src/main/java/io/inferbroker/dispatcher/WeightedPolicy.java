package io.inferbroker.dispatcher;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Strategy {@code weighted}: spreads batches over the candidates with headroom in proportion to their
 * capacity, by smooth weighted round robin (the nginx algorithm: every pick raises each candidate's
 * score by its weight and lowers the chosen one's by the total), so a worker with twice the capacity
 * gets every other batch of three, evenly interleaved. Equal capacities give plain round robin.
 * Holds the scores per model; thread-safe (synchronized, the work per call is tiny).
 */
public final class WeightedPolicy implements RoutingPolicy {
    private final Map<String, Map<String, Long>> scores = new HashMap<>();

    @Override
    public synchronized RoutingVerdict route(RoutingRequest request, List<WorkerCandidate> candidates, Instant now) {
        List<WorkerCandidate> open = candidates.stream()
                .filter(c -> c.headroom() > 0)
                .sorted(Comparator.comparing(WorkerCandidate::workerId))
                .toList();
        if (open.isEmpty()) {
            return RoutingPolicy.noWorker(request.model(), candidates);
        }
        Map<String, Long> score = scores.computeIfAbsent(request.model(), m -> new HashMap<>());
        score.keySet().retainAll(open.stream().map(WorkerCandidate::workerId).toList());
        long total = 0;
        WorkerCandidate best = null;
        long bestScore = Long.MIN_VALUE;
        for (WorkerCandidate c : open) {
            long weight = Math.max(1, c.status().capacity());
            total += weight;
            long s = score.merge(c.workerId(), weight, Long::sum);
            if (s > bestScore) {
                best = c;
                bestScore = s;
            }
        }
        score.merge(best.workerId(), -total, Long::sum);
        return new RoutingVerdict.Route(best.workerId(), Math.min(request.jobsWanted(), best.headroom()));
    }
}
