package io.inferbroker.store.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Tenants' webhook subscriptions, signing secrets and delivery log. A tenant only ever sees its own
 * subscriptions and messages: another tenant's ids are answered as unknown. Implementations are
 * thread-safe and block on the database.
 *
 * @throws StoreUnavailableException from any method when PostgreSQL cannot be reached
 */
public interface WebhookStore {

    /** What a subscription (or a job's webhook) may ask for: an event type, or {@code job.*} for all. */
    List<String> EVENT_FILTERS = List.of(
            "job.*", "job.started", "job.succeeded", "job.failed", "job.canceled", "job.expired", "job.rejected");

    /** A new subscription and its first secret, which is shown only here. */
    record Created(WebhookSubscription subscription, String secret) {
        /** Never shows the secret. */
        @Override
        public String toString() {
            return "Created[subscription=" + subscription + ", secret=****]";
        }
    }

    /**
     * Subscribes {@code url} to events.
     *
     * @param events event types or {@code job.*}; validated by the caller
     */
    Created create(String tenantId, String url, List<String> events);

    /** The tenant's subscriptions that are not deleted, oldest first. */
    List<WebhookSubscription> list(String tenantId);

    Optional<WebhookSubscription> find(String tenantId, String id);

    /** Deletes a subscription; its pending messages are dropped (kept in the log as disabled). */
    boolean delete(String tenantId, String id);

    /**
     * A new secret for a subscription; the ones active now keep signing for {@code overlap}, so
     * receivers can switch without missing a message. Empty when the subscription is unknown.
     */
    Optional<String> rotateSecret(String tenantId, String id, Duration overlap);

    /**
     * A new secret for the tenant's per-job webhooks (the {@code webhook} of a submitted job), with
     * the same overlap rule; the first call creates it.
     */
    String rotateJobSecret(String tenantId, Duration overlap);

    /** A job's messages (its own webhook and subscriptions), in lifecycle order. */
    List<DeliveryRecord> deliveriesOfJob(String tenantId, String jobId);

    /** A subscription's messages, newest first, at most {@code limit}; empty when unknown. */
    Optional<List<DeliveryRecord>> deliveriesOfSubscription(String tenantId, String id, int limit);

    /** The outcome of a manual retry. */
    sealed interface Retry {
        /** The message is pending again, due now, with one more attempt. */
        record Scheduled(DeliveryRecord delivery) implements Retry {}

        /** The message is delivered or still pending: nothing to retry. */
        record NotRetryable(String status) implements Retry {}

        record NotFound() implements Retry {}
    }

    /** Schedules one more attempt of an exhausted (or disabled) message. */
    Retry retry(String tenantId, String deliveryId);
}
