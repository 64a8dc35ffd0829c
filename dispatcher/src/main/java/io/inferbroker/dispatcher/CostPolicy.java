package io.inferbroker.dispatcher;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Strategy {@code cost}: routes to the cheapest candidate with headroom whose expected completion
 * ({@link WorkerCandidate#expectedMillis(long)} from now, stretched by a quarter for safety) meets
 * the earliest deadline of the jobs; the price is {@link WorkerCandidate#jobCost(long, long)} of one
 * job. When no worker with headroom meets it, the fastest one takes the work (it has the best
 * chance). Ties go to the most headroom, then the smallest worker id.
 *
 * <p>When a cheaper worker than the chosen one exists, only some jobs, counted from the front of
 * the batch, go to the dearer worker now: those the cheaper one would make late anyway, and, while
 * the cheaper one is full, those without a deadline and those whose slack on the dearer worker
 * (deadline minus its expected completion) has shrunk to the spill margin (that expected time, at
 * least a second). The others wait for a cheaper slot while their deadline allows; when none has to
 * go, the verdict is {@link RoutingVerdict.NoWorker}. So cheap workers stay full and dear ones take
 * only the overflow. Stateless and thread-safe.
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
        int jobs = Math.min(request.jobsWanted(), chosen.headroom());
        WorkerCandidate cheaper = candidates.stream()
                .filter(c -> c.jobCost(INPUT_TOKENS, out) < chosen.jobCost(INPUT_TOKENS, out))
                .min(cheapest)
                .orElse(null);
        if (cheaper != null) {
            int toSend = sendNow(chosen, cheaper, request, now);
            if (toSend == 0) {
                return new RoutingVerdict.NoWorker(
                        "waiting for cheaper worker " + cheaper.workerId() + " while the deadlines allow");
            }
            jobs = Math.min(jobs, toSend);
        }
        return new RoutingVerdict.Route(chosen.workerId(), jobs);
    }

    /**
     * How many jobs, from the front, go to the dearer {@code chosen} now rather than to {@code
     * cheaper}: those the cheaper worker would make late anyway, and, while it is full, those
     * without a deadline and those whose slack on {@code chosen} has shrunk to the spill margin.
     * Counting stops at the first job better left to the cheaper worker.
     */
    private static int sendNow(WorkerCandidate chosen, WorkerCandidate cheaper, RoutingRequest request, Instant now) {
        long out = request.outputTokens();
        double cheaperDone = now.toEpochMilli() + SAFETY * cheaper.expectedMillis(out);
        double expected = SAFETY * chosen.expectedMillis(out);
        double margin = Math.max(MIN_SPILL_MARGIN_MS, expected);
        boolean cheaperFull = cheaper.headroom() == 0;
        int n = 0;
        for (Instant d : request.deadlines()) {
            boolean send;
            if (d.equals(Instant.MAX)) {
                send = cheaperFull;
            } else if (cheaperDone > d.toEpochMilli()) {
                send = true;
            } else {
                send = cheaperFull && d.toEpochMilli() - (now.toEpochMilli() + expected) <= margin;
            }
            if (!send) {
                break;
            }
            n++;
        }
        return n;
    }

    private static boolean meetsDeadline(WorkerCandidate c, RoutingRequest request, Instant now) {
        if (request.deadline() == null) {
            return true;
        }
        double finishAt = now.toEpochMilli() + SAFETY * c.expectedMillis(request.outputTokens());
        return finishAt <= request.deadline().toEpochMilli();
    }
}
