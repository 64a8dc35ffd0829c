package io.inferbroker.ingress;

import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.store.api.ApiKeyStore;
import io.inferbroker.store.api.IdempotencyStore;
import io.inferbroker.store.api.JobStore;
import io.inferbroker.store.api.Stores;
import io.inferbroker.store.api.TenantLimitStore;
import io.inferbroker.store.api.WebhookStore;
import io.inferbroker.store.api.WebhookTargetPolicy;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.Producer;

/**
 * What the API talks to, built and owned by the caller (who closes the producers).
 *
 * @param requests producer of accepted jobs; must be configured with acks=all and idempotence, as
 *     {@link IngressProducers} configures it
 * @param control producer of control commands (cancel); same settings
 * @param kafkaClient client settings (bootstrap servers, security) for the consumers the API runs
 *     itself, such as fan-out readers of results and queue statuses
 * @param adminKey the key of the admin API; empty disables it
 * @param tenantLimits tenants' own rate limits, read (and cached) on admission, set by the admin API
 * @param admission the instance's default rate limits and per-model queue limits
 * @param webhooks tenants' webhook subscriptions and delivery log
 * @param webhookTargets the check of webhook URLs at registration (subscriptions and jobs' own
 *     webhooks), with the dispatcher's allow-list
 */
public record IngressPorts(
        Producer<String, JobRequested> requests,
        Producer<String, ControlCommand> control,
        Properties kafkaClient,
        JobStore jobs,
        ApiKeyStore keys,
        String adminKey,
        TenantLimitStore tenantLimits,
        AdmissionConfig admission,
        IdempotencyStore idempotency,
        WebhookStore webhooks,
        WebhookTargetPolicy webhookTargets) {

    /** Ports whose webhook URLs may not point at any internal address (nothing allow-listed). */
    public IngressPorts(
            Producer<String, JobRequested> requests,
            Producer<String, ControlCommand> control,
            Properties kafkaClient,
            JobStore jobs,
            ApiKeyStore keys,
            String adminKey,
            TenantLimitStore tenantLimits,
            AdmissionConfig admission,
            IdempotencyStore idempotency,
            WebhookStore webhooks) {
        this(
                requests,
                control,
                kafkaClient,
                jobs,
                keys,
                adminKey,
                tenantLimits,
                admission,
                idempotency,
                webhooks,
                new WebhookTargetPolicy(List.of()));
    }

    /**
     * Ports on one store database, without admission limits (no default limit, no queue limit) and
     * with nothing allow-listed for webhooks: for tools and tests that do not exercise admission.
     */
    public static IngressPorts of(
            Producer<String, JobRequested> requests,
            Producer<String, ControlCommand> control,
            Properties kafkaClient,
            Stores db,
            String adminKey) {
        return of(requests, control, kafkaClient, db, adminKey, new WebhookTargetPolicy(List.of()));
    }

    /** {@link #of(Producer, Producer, Properties, Stores, String)} with a check of webhook URLs. */
    public static IngressPorts of(
            Producer<String, JobRequested> requests,
            Producer<String, ControlCommand> control,
            Properties kafkaClient,
            Stores db,
            String adminKey,
            WebhookTargetPolicy webhookTargets) {
        return new IngressPorts(
                requests,
                control,
                kafkaClient,
                db.jobs(),
                db.apiKeys(),
                adminKey,
                db.tenantLimits(),
                AdmissionConfig.unlimited(),
                db.idempotency(),
                db.webhooks(),
                webhookTargets);
    }
}
