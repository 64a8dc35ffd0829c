package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.JsonSerde;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a {@link io.inferbroker.schemas.JobResult} the dispatcher reads, under the same wire
 * names: read from the results topic with everything else (output, usage, timings) skipped unbuilt,
 * since outputs can be large and only their job's bookkeeping matters here. Held to the result's own
 * rule on these fields too: its status is terminal. A value that breaks it is no result (the result
 * serde refuses it) and must not finish a job.
 */
record ResultHeader(
        String jobId,
        String model,
        String tenantId,
        JobStatus status,
        @Nullable String workerId,
        @Nullable Cost cost) {
    /** Reads only these fields of a result, holding them to the contract. */
    static final JsonSerde<ResultHeader> SERDE = JsonSerde.checked(ResultHeader.class);

    public ResultHeader {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("a result needs a terminal status, got " + status.wireName());
        }
    }
}
