package io.inferbroker.store.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One webhook message and its attempts, for the delivery log.
 *
 * @param id the {@code webhook-id} every attempt carried
 * @param subscriptionId the subscription it went to; null for the job's own webhook
 * @param status {@code pending}, {@code delivered}, {@code exhausted} (retryable) or {@code disabled}
 * @param nextAttemptAt when a pending message is tried next; null otherwise
 * @param attemptLog the attempts, first to last
 */
public record DeliveryRecord(
        String id,
        String jobId,
        @Nullable String subscriptionId,
        String url,
        String eventType,
        String status,
        int attempts,
        @Nullable Instant nextAttemptAt,
        @Nullable Integer lastHttpStatus,
        @Nullable String lastError,
        Instant createdAt,
        List<Attempt> attemptLog) {

    public DeliveryRecord {
        attemptLog = List.copyOf(attemptLog);
    }

    /** One attempt: when, what came of it ({@code DeliveryOutcome} wire name), the answer's status. */
    public record Attempt(
            int number,
            Instant at,
            String outcome,
            @Nullable Integer httpStatus,
            @Nullable String error,
            Duration took) {}
}
