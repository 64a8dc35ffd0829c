package io.inferbroker.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One job inside a dispatch batch, with everything the worker needs to run and report it. */
public record DispatchedJob(
        String jobId,
        String tenantId,
        JobKind kind,
        JsonNode input,
        int attempt,
        int priority,
        @Nullable Instant deadline,
        Instant acceptedAt) {}
