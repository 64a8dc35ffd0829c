package io.inferbroker.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * Value of the results topic (key: job id): the terminal outcome of one attempt. Consumers keep the
 * first terminal result per job; later ones (a re-run after failover) are recorded but never shown.
 */
public record JobResult(
        int schemaVersion,
        String jobId,
        String tenantId,
        String model,
        JobStatus status,
        @Nullable JsonNode output,
        @Nullable JobError error,
        @Nullable Usage usage,
        @Nullable Cost cost,
        @Nullable String workerId,
        int attempt,
        Timings timings) {

    public static final int VERSION = 1;

    public JobResult {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("a result needs a terminal status, got " + status.wireName());
        }
    }
}
