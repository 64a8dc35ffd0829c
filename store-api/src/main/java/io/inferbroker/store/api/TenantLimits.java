package io.inferbroker.store.api;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's own admission limits as stored. A null limit means "the broker's configured default";
 * 0 means unlimited.
 *
 * @param requestsPerMinute requests the tenant may submit per minute
 * @param tokensPerMinute estimated tokens (prompt plus completion) the tenant may submit per minute
 * @param maxQueued jobs the tenant may have queued at once, kept for a per-tenant queue limit;
 *     admission applies per-model queue limits only
 */
public record TenantLimits(
        @Nullable Integer requestsPerMinute,
        @Nullable Integer tokensPerMinute,
        @Nullable Integer maxQueued) {

    /** No limit of its own: every limit is the configured default. */
    public static final TenantLimits DEFAULTS = new TenantLimits(null, null, null);

    public TenantLimits {
        requireNotNegative("requests_per_minute", requestsPerMinute);
        requireNotNegative("tokens_per_minute", tokensPerMinute);
        requireNotNegative("max_queued", maxQueued);
    }

    private static void requireNotNegative(String name, @Nullable Integer value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 (0 = unlimited) or null, was " + value);
        }
    }
}
