package io.inferbroker.ingress.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.inferbroker.store.api.ApiKeyStore;
import io.inferbroker.store.api.Principal;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Before-handler for {@code /v1/*}: resolves the bearer API key to a tenant or answers 401.
 *
 * <p>Verified keys are cached for {@link #CACHE_TTL} (unknown keys for a second), so a request costs
 * no database round trip; a revoked key therefore stops working within {@link #CACHE_TTL}. The cache
 * is keyed by the key's SHA-256, not the key itself, and its entries age by the server's clock.
 */
public final class Authenticator implements Handler {
    public static final Duration CACHE_TTL = Duration.ofSeconds(5);
    private static final Duration UNKNOWN_TTL = Duration.ofSeconds(1);
    private static final String ATTRIBUTE = "inferbroker.principal";
    private static final String BEARER = "Bearer ";

    private final ApiKeyStore keys;
    private final IngressMetrics metrics;
    private final Cache<String, Optional<Principal>> cache;

    public Authenticator(ApiKeyStore keys, IngressMetrics metrics, Clock clock) {
        this.keys = keys;
        this.metrics = metrics;
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfter(Expiry.<String, Optional<Principal>>creating(
                        (hash, principal) -> principal.isPresent() ? CACHE_TTL : UNKNOWN_TTL))
                // Read on every request: the clock's milliseconds, without an Instant each time.
                .ticker(() -> clock.millis() * 1_000_000L)
                .build();
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            metrics.authFailed();
            throw Problems.missingKey();
        }
        String secret = header.substring(BEARER.length()).trim();
        // Looked up by the key's digest, here and in the database: no comparison ever runs on the
        // secret itself, so response times say nothing about it.
        Principal principal = cache.get(HexFormat.of().formatHex(sha256(secret)), h -> keys.authenticate(secret))
                .orElseThrow(() -> {
                    metrics.authFailed();
                    return Problems.invalidKey();
                });
        ctx.attribute(ATTRIBUTE, principal);
    }

    /** SHA-256 of the secret's UTF-8 bytes. */
    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Drops cached verifications of this key, so its revocation counts at once on this instance. */
    public void forget(String keyId) {
        cache.asMap().values().removeIf(p -> p.isPresent() && p.get().keyId().equals(keyId));
    }

    /** The principal the before-handler stored; only call on authenticated routes. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) {
            throw Problems.missingKey();
        }
        return p;
    }
}
