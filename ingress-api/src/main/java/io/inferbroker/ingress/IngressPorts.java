package io.inferbroker.ingress;

import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.store.ApiKeyStore;
import io.inferbroker.store.JobStore;
import io.inferbroker.store.TenantLimitStore;
import io.inferbroker.store.TenantLimits;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.Producer;
import org.jspecify.annotations.Nullable;

/**
 * What the API talks to, built and owned by the caller (who closes the producers).
 *
 * @param requests producer of accepted jobs; must be configured with acks=all and idempotence
 * @param control producer of control commands (cancel); same settings
 * @param kafkaClient client settings (bootstrap servers, security) for the consumers the API runs
 *     itself, such as fan-out readers of results and queue statuses
 * @param adminKey the key of the admin API; empty disables it
 * @param tenantLimits tenants' own rate limits, read (and cached) on admission, set by the admin API
 * @param admission the instance's default rate limits and per-model queue limits
 */
public record IngressPorts(
        Producer<String, JobRequested> requests,
        Producer<String, ControlCommand> control,
        Properties kafkaClient,
        JobStore jobs,
        ApiKeyStore keys,
        String adminKey,
        TenantLimitStore tenantLimits,
        AdmissionConfig admission) {

    /**
     * Ports without admission limits: no default limit, no queue limit, and no tenant with limits of
     * its own (the admin limits endpoint answers 404). For tools and tests that do not exercise
     * admission.
     */
    public IngressPorts(
            Producer<String, JobRequested> requests,
            Producer<String, ControlCommand> control,
            Properties kafkaClient,
            JobStore jobs,
            ApiKeyStore keys,
            String adminKey) {
        this(requests, control, kafkaClient, jobs, keys, adminKey, new NoTenantLimits(), AdmissionConfig.unlimited());
    }

    /** Every tenant has the defaults, and none can be given limits of its own. */
    private static final class NoTenantLimits implements TenantLimitStore {
        @Override
        public Optional<TenantLimits> find(String tenantId) {
            return Optional.of(TenantLimits.DEFAULTS);
        }

        @Override
        public Optional<TenantLimits> setRateLimits(
                String tenantId, @Nullable Integer requestsPerMinute, @Nullable Integer tokensPerMinute) {
            return Optional.empty();
        }
    }
}
