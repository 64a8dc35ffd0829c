package io.inferbroker.store.api;

import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Usage;
import org.jspecify.annotations.Nullable;

/**
 * A job's stored outcome: the status and cost shown to clients (from its first terminal result) and
 * how many terminal results were received for it.
 *
 * @param resultAttempt the attempt of the first terminal result, null while none arrived
 * @param resultsReceived terminal results stored for the job, duplicates included
 */
public record LedgerEntry(
        String jobId,
        String tenantId,
        JobStatus status,
        @Nullable Usage usage,
        @Nullable Cost cost,
        @Nullable Integer resultAttempt,
        int resultsReceived) {}
