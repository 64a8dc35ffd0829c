package io.inferbroker.store.api;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An API key without its secret (only a hash is ever stored).
 *
 * @param revokedAt when the key stops (or stopped) working; null while it has no end
 */
public record KeyInfo(
        String id,
        String tenantId,
        Instant createdAt,
        @Nullable Instant revokedAt) {
    /** Whether the key authenticates at {@code now}. */
    public boolean activeAt(Instant now) {
        return revokedAt == null || revokedAt.isAfter(now);
    }
}
