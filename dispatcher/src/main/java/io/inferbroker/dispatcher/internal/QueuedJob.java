package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.JobRequested;
import java.time.Instant;

/**
 * A job waiting in a model's queue.
 *
 * @param job the request as accepted
 * @param queuedAt when this dispatcher admitted it (wall clock); the batching delay counts from here
 */
public record QueuedJob(JobRequested job, Instant queuedAt) {}
