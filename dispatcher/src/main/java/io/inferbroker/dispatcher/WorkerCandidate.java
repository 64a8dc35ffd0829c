package io.inferbroker.dispatcher;

import io.inferbroker.schemas.WorkerStatus;

/**
 * A worker that may receive a batch: its last reported status and the number of jobs this
 * dispatcher has sent it that have no result yet. Candidates handed to a {@link RoutingPolicy} are
 * already usable for the model (active, healthy, serving the model, status within the lease).
 *
 * @param status the worker's latest status from the workers topic
 * @param outstanding jobs this dispatcher dispatched to the worker and saw no result for
 */
public record WorkerCandidate(WorkerStatus status, int outstanding) {

    public WorkerCandidate {
        if (outstanding < 0) {
            throw new IllegalArgumentException("outstanding must be >= 0, was " + outstanding);
        }
    }

    public String workerId() {
        return status.workerId();
    }

    /**
     * Sequences the worker can take now: capacity minus the larger of what it reports in flight and
     * what this dispatcher knows it sent. The report lags; the own count misses other dispatchers'
     * work; the larger of the two is the safe estimate.
     */
    public int headroom() {
        return Math.max(0, status.capacity() - Math.max(status.inFlight(), outstanding));
    }
}
