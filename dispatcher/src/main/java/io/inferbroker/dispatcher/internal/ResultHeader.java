package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a {@link io.inferbroker.schemas.JobResult} the dispatcher reads, under the same wire
 * names: read from the results topic with everything else (output, usage, timings) skipped unbuilt,
 * since outputs can be large and only their job's bookkeeping matters here.
 */
public record ResultHeader(
        String jobId,
        String model,
        String tenantId,
        JobStatus status,
        @Nullable String workerId,
        @Nullable Cost cost) {}
