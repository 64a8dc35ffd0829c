package io.inferbroker.store.api;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's webhook subscription.
 *
 * @param events the event types it wants, or {@code job.*}
 * @param status {@code active}, or {@code disabled} after its URL answered 410 Gone
 * @param disabledReason why it was disabled; null while active
 */
public record WebhookSubscription(
        String id,
        String tenantId,
        String url,
        List<String> events,
        String status,
        @Nullable String disabledReason,
        Instant createdAt) {

    public WebhookSubscription {
        events = List.copyOf(events);
    }
}
