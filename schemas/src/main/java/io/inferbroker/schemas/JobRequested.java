package io.inferbroker.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Value of the requests topic (key: job id): a job the ingress accepted. {@code replyTo} names the
 * ingress instance waiting synchronously for the result, if any.
 */
public record JobRequested(
        int schemaVersion,
        String jobId,
        String tenantId,
        String apiKeyId,
        String model,
        JobKind kind,
        JsonNode input,
        int priority,
        @Nullable Instant deadline,
        @Nullable WebhookTarget webhook,
        Map<String, String> metadata,
        @Nullable String idempotencyKey,
        @Nullable String replyTo,
        Instant acceptedAt) {

    public static final int VERSION = 1;

    public JobRequested {
        metadata = Map.copyOf(metadata);
    }
}
