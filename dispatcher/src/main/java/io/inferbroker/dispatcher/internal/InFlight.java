package io.inferbroker.dispatcher.internal;

import java.time.Instant;

/**
 * A job sent to a worker and not finished: enough to dispatch it again if the worker is lost.
 *
 * @param queued the job as it waited in the queue (its first queue time and earlier attempts)
 * @param dispatchedAt when it was sent
 * @param attempt the attempt number of this dispatch (1 for the first)
 */
public record InFlight(QueuedJob queued, Instant dispatchedAt, int attempt) {}
