package io.inferbroker.ingress.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.inferbroker.ingress.AdmissionConfig;
import io.inferbroker.store.api.TenantLimitStore;
import io.inferbroker.store.api.TenantLimits;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limits in force per tenant: its own from the database, else the configured defaults.
 * Cached; an entry older than {@link AdmissionConfig#limitsRefresh()} is read again in the
 * background while the old value still answers, so a change made through any instance applies
 * everywhere within seconds and a request never waits for the refresh. The first request of a
 * tenant reads the database once. When the database cannot be read, the last value (or, with none,
 * the defaults) applies: limits fail open rather than refusing every request. Thread-safe.
 */
final class TenantLimitCache implements Function<String, RateLimits> {
    private static final Logger LOG = LoggerFactory.getLogger(TenantLimitCache.class);

    private final AdmissionConfig config;
    private final LoadingCache<String, TenantLimits> cache;

    TenantLimitCache(TenantLimitStore store, AdmissionConfig config) {
        this.config = config;
        this.cache = Caffeine.newBuilder()
                .refreshAfterWrite(config.limitsRefresh())
                .expireAfterAccess(Duration.ofMinutes(10))
                .maximumSize(100_000)
                .build(tenant -> store.find(tenant).orElse(TenantLimits.DEFAULTS));
    }

    @Override
    public RateLimits apply(String tenantId) {
        TenantLimits own;
        try {
            own = cache.get(tenantId);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the limits of tenant {}; applying the defaults: {}", tenantId, e.toString());
            own = TenantLimits.DEFAULTS;
        }
        return effective(own);
    }

    /** The tenant's own limits where set, else the configured defaults. */
    RateLimits effective(TenantLimits own) {
        return new RateLimits(
                or(own.requestsPerMinute(), config.requestsPerMinute()),
                or(own.tokensPerMinute(), config.tokensPerMinute()));
    }

    /** Forgets the cached limits of a tenant, so the next request reads them (after an admin change here). */
    void invalidate(String tenantId) {
        cache.invalidate(tenantId);
    }

    private static long or(@Nullable Integer own, long fallback) {
        return own == null ? fallback : own;
    }
}
