package io.inferbroker.store.api;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The admission limits of tenants, kept on the tenants table. Implementations are thread-safe and
 * block on the database; failures surface as {@link StoreUnavailableException} or {@link
 * StoreException}. Callers on a request path cache the answers.
 */
public interface TenantLimitStore {

    /** The tenant's limits; empty when there is no such tenant. */
    Optional<TenantLimits> find(String tenantId);

    /**
     * Replaces the tenant's rate limits (null = the configured default, 0 = unlimited); its other
     * limits stay.
     *
     * @return the limits now stored, or empty when there is no such tenant
     * @throws IllegalArgumentException when a limit is negative
     */
    Optional<TenantLimits> setRateLimits(
            String tenantId, @Nullable Integer requestsPerMinute, @Nullable Integer tokensPerMinute);
}
