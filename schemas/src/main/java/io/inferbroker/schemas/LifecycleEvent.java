package io.inferbroker.schemas;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Value of the events topic (key: job id): one lifecycle transition of a job. */
public record LifecycleEvent(
        int schemaVersion,
        String jobId,
        String tenantId,
        String model,
        LifecycleType type,
        Instant at,
        @Nullable String workerId,
        int attempt,
        @Nullable JobError error) {

    public static final int VERSION = 1;
}
