package io.inferbroker.dispatcher.internal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A job sent to a worker and not finished: enough to dispatch it again if the worker is lost.
 *
 * @param queued the job as it waited in the queue (its first queue time and earlier attempts)
 * @param dispatchedAt when it was sent
 * @param attempt the attempt number of this dispatch (1 for the first)
 * @param workerInstance the run of the worker the batch was addressed to; null when its status named
 *     none (and in records written before instances existed)
 */
public record InFlight(
        QueuedJob queued,
        Instant dispatchedAt,
        int attempt,
        @Nullable String workerInstance) {}
