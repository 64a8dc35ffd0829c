package io.inferbroker.store.internal;

import io.inferbroker.store.api.ApiKeyStore;
import io.inferbroker.store.api.IssuedKey;
import io.inferbroker.store.api.KeyInfo;
import io.inferbroker.store.api.Principal;
import io.inferbroker.store.api.TenantInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** {@link ApiKeyStore} on the {@code tenants} and {@code api_keys} tables. Thread-safe. */
public final class JdbiApiKeyStore implements ApiKeyStore {
    private static final String INSERT_KEY_FOR_TENANT = """
            insert into api_keys (id, tenant_id, key_hash)
            select :id, id, :hash from tenants where id = :tenant_id
            """;

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final String address;

    public JdbiApiKeyStore(Jdbi jdbi, Secrets secrets, String address) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.address = address;
    }

    @Override
    public String createTenant(String name) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tenant needs a name");
        }
        String id = secrets.tenantId();
        run(
                "cannot create tenant '" + name + "'",
                h -> h.createUpdate("insert into tenants (id, name) values (:id, :name)")
                        .bind("id", id)
                        .bind("name", name)
                        .execute());
        return id;
    }

    @Override
    public IssuedKey issueKey(String tenantId) {
        IssuedKey key = new IssuedKey(secrets.keyId(), secrets.secret());
        int inserted = call(
                "cannot issue a key for tenant " + tenantId,
                h -> h.createUpdate(INSERT_KEY_FOR_TENANT)
                        .bind("id", key.keyId())
                        .bind("hash", Secrets.hash(key.secret()))
                        .bind("tenant_id", tenantId)
                        .execute());
        if (inserted == 0) {
            throw new IllegalArgumentException("no tenant " + tenantId);
        }
        return key;
    }

    @Override
    public void registerKey(String tenantId, String secret) {
        if (secret.isBlank()) {
            throw new IllegalArgumentException("an API key secret must not be blank");
        }
        if (tenantId.isBlank()) {
            throw new IllegalArgumentException("a tenant id must not be blank");
        }
        byte[] hash = Secrets.hash(secret);
        String owner = call(
                "cannot register a key for tenant " + tenantId,
                h -> h.inTransaction(tx -> {
                    tx.createUpdate("insert into tenants (id, name) values (:id, :id) on conflict (id) do nothing")
                            .bind("id", tenantId)
                            .execute();
                    tx.createUpdate("""
                            insert into api_keys (id, tenant_id, key_hash) values (:id, :tenant_id, :hash)
                            on conflict (key_hash) do nothing""")
                            .bind("id", secrets.keyId())
                            .bind("tenant_id", tenantId)
                            .bind("hash", hash)
                            .execute();
                    return tx.createQuery("select tenant_id from api_keys where key_hash = :hash")
                            .bind("hash", hash)
                            .mapTo(String.class)
                            .one();
                }));
        if (!owner.equals(tenantId)) {
            throw new IllegalArgumentException("this API key is already registered to another tenant");
        }
    }

    @Override
    public Optional<Principal> authenticate(String secret) {
        if (secret.isBlank()) {
            return Optional.empty();
        }
        byte[] hash = Secrets.hash(secret);
        return call(
                "cannot check an API key",
                h -> h.createQuery(
                                "select tenant_id, id from api_keys where key_hash = :hash and (revoked_at is null or revoked_at > now())")
                        .bind("hash", hash)
                        .map((rs, ctx) -> new Principal(rs.getString("tenant_id"), rs.getString("id")))
                        .findOne());
    }

    @Override
    public boolean revokeKey(String keyId) {
        int revoked = call(
                "cannot revoke key " + keyId,
                h -> h.createUpdate(
                                "update api_keys set revoked_at = now() where id = :id and (revoked_at is null or revoked_at > now())")
                        .bind("id", keyId)
                        .execute());
        return revoked > 0;
    }

    private <T> T call(String attempted, Work<T> work) {
        try {
            return jdbi.withHandle(work::apply);
        } catch (JdbiException e) {
            throw StoreErrors.translate(attempted, e, address);
        }
    }

    private void run(String attempted, Work<?> work) {
        call(attempted, work);
    }

    /** Database work on a handle. */
    @FunctionalInterface
    private interface Work<T> {
        T apply(Handle handle);
    }

    @Override
    public List<TenantInfo> listTenants(int limit) {
        return call(
                "cannot list tenants",
                h -> h.createQuery("select id, name, created_at from tenants order by created_at, id limit :limit")
                        .bind("limit", limit)
                        .map((rs, ctx) -> tenant(rs))
                        .list());
    }

    @Override
    public Optional<TenantInfo> findTenant(String tenantId) {
        return call(
                "cannot read tenant " + tenantId,
                h -> h.createQuery("select id, name, created_at from tenants where id = :id")
                        .bind("id", tenantId)
                        .map((rs, ctx) -> tenant(rs))
                        .findOne());
    }

    @Override
    public List<KeyInfo> listKeys(String tenantId) {
        return call(
                "cannot list keys of " + tenantId,
                h -> h.createQuery("select id, tenant_id, created_at, revoked_at"
                                + " from api_keys where tenant_id = :t order by created_at desc, id desc")
                        .bind("t", tenantId)
                        .map((rs, ctx) -> key(rs))
                        .list());
    }

    @Override
    public Optional<KeyInfo> findKey(String keyId) {
        return call(
                "cannot read key " + keyId,
                h -> h.createQuery("select id, tenant_id, created_at, revoked_at from api_keys where id = :id")
                        .bind("id", keyId)
                        .map((rs, ctx) -> key(rs))
                        .findOne());
    }

    @Override
    public Optional<KeyInfo> revokeKeyAt(String keyId, Instant at) {
        return call(
                "cannot revoke key " + keyId,
                h -> h.createQuery("update api_keys set revoked_at = :at"
                                + " where id = :id and (revoked_at is null or revoked_at > :at)"
                                + " returning id, tenant_id, created_at, revoked_at")
                        .bind("id", keyId)
                        .bind("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                        .map((rs, ctx) -> key(rs))
                        .findOne()
                        .or(() -> h.createQuery(
                                        "select id, tenant_id, created_at, revoked_at from api_keys where id = :id")
                                .bind("id", keyId)
                                .map((rs, ctx) -> key(rs))
                                .findOne()));
    }

    private static TenantInfo tenant(ResultSet rs) throws SQLException {
        return new TenantInfo(rs.getString("id"), rs.getString("name"), instant(rs, "created_at"));
    }

    private static KeyInfo key(ResultSet rs) throws SQLException {
        Instant revoked = rs.getObject("revoked_at") == null ? null : instant(rs, "revoked_at");
        return new KeyInfo(rs.getString("id"), rs.getString("tenant_id"), instant(rs, "created_at"), revoked);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
