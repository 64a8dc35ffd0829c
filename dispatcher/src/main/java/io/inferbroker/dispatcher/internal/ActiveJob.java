package io.inferbroker.dispatcher.internal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A job a task is responsible for, as its active store holds it: the request and its place in the
 * queue, and, while a worker has it, where it was sent. The one record of the job's state: a job is
 * queued or in flight as the latest write of this record says, with nothing in another store to
 * agree with.
 *
 * @param queued the request, when this dispatcher first queued it (queue order, batching delay) and
 *     how often it was dispatched before it last waited
 * @param sent where and when it was sent; null while it waits in its model's queue
 */
public record ActiveJob(QueuedJob queued, @Nullable Sent sent) {

    /**
     * A dispatch of the job.
     *
     * @param workerId the worker the batch went to
     * @param at when it was sent
     * @param attempt the attempt number of this dispatch (1 for the first)
     * @param workerInstance the run of the worker the batch was addressed to; null when its status
     *     named none
     */
    public record Sent(
            String workerId,
            Instant at,
            int attempt,
            @Nullable String workerInstance) {}

    static ActiveJob waiting(QueuedJob queued) {
        return new ActiveJob(queued, null);
    }

    static ActiveJob sent(QueuedJob queued, String workerId, Instant at, int attempt, @Nullable String instance) {
        return new ActiveJob(queued, new Sent(workerId, at, attempt, instance));
    }

    String jobId() {
        return queued.job().jobId();
    }

    /** The job as in flight, when it is. */
    @Nullable
    InFlight inFlight() {
        return sent == null ? null : new InFlight(queued, sent.at(), sent.attempt(), sent.workerInstance());
    }
}
