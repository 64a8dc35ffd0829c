package io.inferbroker.schemas;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Value of the webhooks topic (key: delivery id): one delivery attempt and its outcome. The
 * delivery id is the {@code webhook-id} header, constant across retries.
 */
public record WebhookDelivery(
        int schemaVersion,
        String deliveryId,
        String jobId,
        String tenantId,
        String eventType,
        String url,
        int attempt,
        DeliveryOutcome outcome,
        @Nullable Integer httpStatus,
        @Nullable String error,
        Instant at,
        @Nullable Instant nextAttemptAt) {

    public static final int VERSION = 1;
}
