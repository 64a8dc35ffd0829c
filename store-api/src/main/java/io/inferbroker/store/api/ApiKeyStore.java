package io.inferbroker.store.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tenants and their API keys. Secrets are stored only as SHA-256 hashes. Implementations are
 * thread-safe and block on the database; failures surface as {@link StoreUnavailableException} or
 * {@link StoreException}.
 */
public interface ApiKeyStore {

    /** Creates a tenant and returns its new id ({@code ten_...}). */
    String createTenant(String name);

    /**
     * Issues a new random key ({@code ib_} + 32 random bytes, base64url) for an existing tenant.
     *
     * @throws IllegalArgumentException when the tenant does not exist
     */
    IssuedKey issueKey(String tenantId);

    /**
     * Makes sure this secret authenticates as this tenant: stores its hash unless already present,
     * creating the tenant (named after its id) if it does not exist. Idempotent; a revoked key stays
     * revoked. Meant for keys kept outside the database, such as the development key of {@code broker
     * serve}.
     *
     * @throws IllegalArgumentException when the secret is blank or already belongs to another tenant
     */
    void registerKey(String tenantId, String secret);

    /** The principal of an active key with this secret; empty for unknown, blank or revoked keys. */
    Optional<Principal> authenticate(String secret);

    /**
     * Revokes a key so it no longer authenticates.
     *
     * @return true if the key was active and is now revoked, false if it is unknown or already revoked
     */
    boolean revokeKey(String keyId);

    /** Tenants, oldest first, at most {@code limit}. */
    List<TenantInfo> listTenants(int limit);

    Optional<TenantInfo> findTenant(String tenantId);

    /** A tenant's keys, newest first; never their secrets. */
    List<KeyInfo> listKeys(String tenantId);

    Optional<KeyInfo> findKey(String keyId);

    /**
     * Ends a key at {@code at} (now or later, for a rotation's grace period). A key already ending
     * earlier keeps its earlier end.
     *
     * @return the key after the change; empty for an unknown key
     */
    Optional<KeyInfo> revokeKeyAt(String keyId, Instant at);
}
