package io.inferbroker.dispatcher;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Strategy {@code cost}: routes to the cheapest candidate with headroom whose expected completion
 * ({@link WorkerCandidate#expectedMillis(long)} from now, stretched by a quarter for safety) meets the earliest deadline of the jobs;
 * the price is {@link WorkerCandidate#jobCost(long, long)} of one job. When the cheapest workers are
 * full, work spills to dearer ones: at once for jobs without a deadline; for jobs with one, only once
 * their slack on the dearer worker (deadline minus its expected completion) has shrunk to the spill
 * margin (its expected time, at least a second), so jobs wait for a cheaper slot while they can afford to. When no worker with headroom
 * meets the deadline, the fastest one takes the work (it has the best chance). Ties go to the most
 * headroom, then the smallest worker id. Stateless and thread-safe.
 */
public final class CostPolicy implements RoutingPolicy {
    /** Input tokens assumed per job for the price comparison; only the ordering of workers matters. */
    static final long INPUT_TOKENS = 256;
    /** Expected times are stretched by this before a deadline check: measured speeds lag a growing batch. */
    static final double SAFETY = 1.25;
    /**
     * Least slack at which jobs stop waiting for a cheaper worker: this, or the dearer worker's whole
     * expected time (its estimate is taken at its current batch size and grows as work joins).
     */
    static final long MIN_SPILL_MARGIN_MS = 1000;

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
        WorkerCandidate cheapestAtAll = candidates.stream()
                .filter(c -> meetsDeadline(c, request, now))
                .min(cheapest)
                .orElse(chosen);
        if (cheapestAtAll.jobCost(INPUT_TOKENS, out) < chosen.jobCost(INPUT_TOKENS, out)
                && canWait(chosen, request, now)) {
            return new RoutingVerdict.NoWorker(
                    "waiting for cheaper worker " + cheapestAtAll.workerId() + " while the deadline allows");
        }
        return new RoutingVerdict.Route(chosen.workerId(), Math.min(request.jobsWanted(), chosen.headroom()));
    }

    private static boolean canWait(WorkerCandidate dearer, RoutingRequest request, Instant now) {
        if (request.deadline() == null) {
            return false;
        }
        double expected = SAFETY * dearer.expectedMillis(request.outputTokens());
        double slack = request.deadline().toEpochMilli() - (now.toEpochMilli() + expected);
        return slack > Math.max(MIN_SPILL_MARGIN_MS, expected);
    }

    private static boolean meetsDeadline(WorkerCandidate c, RoutingRequest request, Instant now) {
        if (request.deadline() == null) {
            return true;
        }
        double finishAt = now.toEpochMilli() + SAFETY * c.expectedMillis(request.outputTokens());
        return finishAt <= request.deadline().toEpochMilli();
    }
}
