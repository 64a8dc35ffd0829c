package io.inferbroker.bench.dispatch;

import io.inferbroker.dispatcher.RoutingPolicy;
import io.inferbroker.dispatcher.RoutingRequest;
import io.inferbroker.dispatcher.RoutingVerdict;
import io.inferbroker.dispatcher.WorkerCandidate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The baseline the cost strategy is compared with: the next worker with headroom, in turn. */
final class RoundRobinPolicy implements RoutingPolicy {
    private long turn;

    @Override
    public synchronized RoutingVerdict route(RoutingRequest request, List<WorkerCandidate> candidates, Instant now) {
        List<WorkerCandidate> all = candidates.stream()
                .sorted(Comparator.comparing(WorkerCandidate::workerId))
                .toList();
        for (int i = 0; i < all.size(); i++) {
            WorkerCandidate c = all.get((int) ((turn + i) % all.size()));
            if (c.headroom() > 0) {
                turn += i + 1;
                return new RoutingVerdict.Route(c.workerId(), Math.min(request.jobsWanted(), c.headroom()));
            }
        }
        return RoutingPolicy.noWorker(request.model(), candidates);
    }
}
