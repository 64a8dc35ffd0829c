package io.inferbroker.schemas;

import java.time.Instant;
import java.util.List;

/** Value of the dispatch topic (key: worker id): a batch of jobs for one model on one worker. */
public record DispatchBatch(
        int schemaVersion,
        String batchId,
        String workerId,
        String model,
        Instant dispatchedAt,
        List<DispatchedJob> jobs) {

    public static final int VERSION = 1;

    public DispatchBatch {
        jobs = List.copyOf(jobs);
    }
}
