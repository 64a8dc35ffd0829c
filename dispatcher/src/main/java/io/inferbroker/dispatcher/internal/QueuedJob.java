package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.JobRequested;
import java.time.Instant;

/**
 * A job waiting in a model's queue.
 *
 * @param job the request as accepted
 * @param queuedAt when this dispatcher first admitted it (wall clock); the batching delay and
 *     priority aging count from here, also after a requeue
 * @param attempts how often the job was dispatched before (0 for a new job, more after a failover)
 */
public record QueuedJob(JobRequested job, Instant queuedAt, int attempts) {}
