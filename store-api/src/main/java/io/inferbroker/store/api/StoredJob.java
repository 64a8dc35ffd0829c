package io.inferbroker.store.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Usage;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A job as the store knows it: merged from its request, lifecycle events and first terminal result.
 * Until the job's request has been stored (records from different topics arrive in any order),
 * {@code kind} is {@link JobKind#GENERIC}, {@code metadata} is empty and {@code createdAt} is the
 * earliest time any record reported. Stages the job has not reached are null.
 *
 * @param attempts the highest attempt number seen (0 while only the request is known)
 * @param workerId the worker of the first terminal result, or of the latest attempt before one
 */
public record StoredJob(
        String id,
        String tenantId,
        String model,
        JobStatus status,
        JobKind kind,
        Instant createdAt,
        @Nullable Instant dispatchedAt,
        @Nullable Instant startedAt,
        @Nullable Instant firstTokenAt,
        @Nullable Instant completedAt,
        @Nullable JsonNode output,
        @Nullable JobError error,
        @Nullable Usage usage,
        @Nullable Cost cost,
        @Nullable String workerId,
        int attempts,
        Map<String, String> metadata) {

    public StoredJob {
        metadata = Map.copyOf(metadata);
    }
}
