package io.inferbroker.dispatcher;

import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.WorkerStatus;

/**
 * A worker that may receive a batch: its last reported status, the number of jobs this dispatcher
 * has sent it that have no result yet, and a cap the dispatcher puts on the next batch (1 while the
 * worker's circuit breaker lets a probe through). Candidates handed to a {@link RoutingPolicy} are
 * already usable for the model (active, healthy, serving the model, status within the lease, breaker
 * not open).
 *
 * @param status the worker's latest status from the workers topic
 * @param outstanding jobs this dispatcher dispatched to the worker and saw no result for
 * @param maxJobs most jobs the next batch may hold, whatever the headroom
 */
public record WorkerCandidate(WorkerStatus status, int outstanding, int maxJobs) {
    private static final double MILLION = 1_000_000.0;

    public WorkerCandidate {
        if (outstanding < 0) {
            throw new IllegalArgumentException("outstanding must be >= 0, was " + outstanding);
        }
        if (maxJobs < 0) {
            throw new IllegalArgumentException("maxJobs must be >= 0, was " + maxJobs);
        }
    }

    /** A candidate without a cap. */
    public WorkerCandidate(WorkerStatus status, int outstanding) {
        this(status, outstanding, Integer.MAX_VALUE);
    }

    public String workerId() {
        return status.workerId();
    }

    /**
     * Sequences the worker can take now: capacity minus the larger of what it reports in flight and
     * what this dispatcher knows it sent, at most {@link #maxJobs}. The report lags; the own count
     * misses other dispatchers' work; the larger of the two is the safe estimate.
     */
    public int headroom() {
        return Math.min(maxJobs, Math.max(0, status.capacity() - Math.max(status.inFlight(), outstanding)));
    }

    /**
     * Milliseconds the worker is expected to take for a job with {@code outputTokens} output tokens:
     * its measured time to first token plus the output at its measured tokens per second (the first
     * term alone when it has not measured a rate yet).
     */
    public double expectedMillis(long outputTokens) {
        double ttft = Math.max(0, status.ttftMs());
        double rate = status.tokensPerSecond();
        return rate > 0 ? ttft + outputTokens * 1000.0 / rate : ttft;
    }

    /**
     * What one job with the given token counts costs on this worker at its reported price, in the
     * price's currency: the token prices plus GPU seconds for the expected time.
     */
    public double jobCost(long inputTokens, long outputTokens) {
        Price p = status.price();
        return p.inputPerMillion().doubleValue() * inputTokens / MILLION
                + p.outputPerMillion().doubleValue() * outputTokens / MILLION
                + p.perGpuSecond().doubleValue() * expectedMillis(outputTokens) / 1000.0;
    }
}
