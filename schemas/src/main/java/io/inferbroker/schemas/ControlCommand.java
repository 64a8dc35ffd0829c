package io.inferbroker.schemas;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Value of the control topic (key: job id): a command about one job, such as cancel. */
public record ControlCommand(
        int schemaVersion,
        String jobId,
        String tenantId,
        ControlAction action,
        @Nullable String reason,
        Instant at) {

    public static final int VERSION = 1;
}
