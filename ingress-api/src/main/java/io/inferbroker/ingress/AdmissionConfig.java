package io.inferbroker.ingress;

import java.time.Duration;
import java.util.Map;

/**
 * Admission limits of one ingress instance. Validated on construction; messages name the external
 * key. A limit of 0 means unlimited.
 *
 * @param requestsPerMinute default requests per minute per tenant ({@code limits.requests_per_minute});
 *     a tenant's own limit, set through the admin API, replaces it
 * @param tokensPerMinute default estimated tokens per minute per tenant ({@code limits.tokens_per_minute})
 * @param maxQueued per model, the queue depth at which submits are shed with 503 ({@code
 *     models[].max_queued}); a model not listed, or listed with 0, is unlimited
 * @param limitsRefresh how long a tenant's limits are cached before they are read again, so a
 *     change made through another instance applies here within this time
 * @param queueStatusStaleAfter a model's queue status older than this is ignored and its submits are
 *     admitted (fail open): its dispatcher stopped reporting
 */
public record AdmissionConfig(
        long requestsPerMinute,
        long tokensPerMinute,
        Map<String, Integer> maxQueued,
        Duration limitsRefresh,
        Duration queueStatusStaleAfter) {

    public static final Duration DEFAULT_LIMITS_REFRESH = Duration.ofSeconds(2);
    public static final Duration DEFAULT_QUEUE_STATUS_STALE_AFTER = Duration.ofSeconds(10);

    public AdmissionConfig {
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException(
                    "BROKER_LIMITS_REQUESTS_PER_MINUTE must be >= 0 (0 = unlimited), was " + requestsPerMinute);
        }
        if (tokensPerMinute < 0) {
            throw new IllegalArgumentException(
                    "BROKER_LIMITS_TOKENS_PER_MINUTE must be >= 0 (0 = unlimited), was " + tokensPerMinute);
        }
        maxQueued.forEach((model, max) -> {
            if (max < 0) {
                throw new IllegalArgumentException(
                        "max_queued of model '" + model + "' must be >= 0 (0 = unlimited), was " + max);
            }
        });
        if (!limitsRefresh.isPositive() || !queueStatusStaleAfter.isPositive()) {
            throw new IllegalArgumentException("limit refresh and queue status staleness must be positive, were "
                    + limitsRefresh + " and " + queueStatusStaleAfter);
        }
        maxQueued = Map.copyOf(maxQueued);
    }

    /** The given limits, with a 2 s tenant-limit refresh and queue statuses stale after 10 s. */
    public static AdmissionConfig of(long requestsPerMinute, long tokensPerMinute, Map<String, Integer> maxQueued) {
        return new AdmissionConfig(
                requestsPerMinute,
                tokensPerMinute,
                maxQueued,
                DEFAULT_LIMITS_REFRESH,
                DEFAULT_QUEUE_STATUS_STALE_AFTER);
    }

    /** No default rate limit and no queue limit; tenants' own limits still apply. */
    public static AdmissionConfig unlimited() {
        return of(0, 0, Map.of());
    }

    /** The queue limit of {@code model}; 0 = unlimited. */
    public int maxQueuedFor(String model) {
        return maxQueued.getOrDefault(model, 0);
    }
}
