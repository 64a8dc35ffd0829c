package io.inferbroker.store.internal;

import io.inferbroker.store.api.TenantLimitStore;
import io.inferbroker.store.api.TenantLimits;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;

/** {@link TenantLimitStore} on the limit columns of the {@code tenants} table. Thread-safe. */
public final class JdbiTenantLimitStore implements TenantLimitStore {
    private static final String SELECT = "select rate_rpm, rate_tpm, max_queued from tenants where id = :id";
    private static final String UPDATE = """
            update tenants set rate_rpm = :rpm, rate_tpm = :tpm where id = :id
            returning rate_rpm, rate_tpm, max_queued""";

    private final Jdbi jdbi;
    private final String address;

    public JdbiTenantLimitStore(Jdbi jdbi, String address) {
        this.jdbi = jdbi;
        this.address = address;
    }

    @Override
    public Optional<TenantLimits> find(String tenantId) {
        return call(
                "cannot read the limits of tenant " + tenantId,
                h -> h.createQuery(SELECT)
                        .bind("id", tenantId)
                        .map((rs, ctx) -> limits(rs))
                        .findOne());
    }

    @Override
    public Optional<TenantLimits> setRateLimits(
            String tenantId, @Nullable Integer requestsPerMinute, @Nullable Integer tokensPerMinute) {
        new TenantLimits(requestsPerMinute, tokensPerMinute, null); // validates before touching the database
        return call(
                "cannot set the rate limits of tenant " + tenantId,
                h -> h.createQuery(UPDATE)
                        .bind("id", tenantId)
                        .bindByType("rpm", requestsPerMinute, Integer.class)
                        .bindByType("tpm", tokensPerMinute, Integer.class)
                        .map((rs, ctx) -> limits(rs))
                        .findOne());
    }

    private static TenantLimits limits(ResultSet rs) throws SQLException {
        return new TenantLimits(integer(rs, "rate_rpm"), integer(rs, "rate_tpm"), integer(rs, "max_queued"));
    }

    private static @Nullable Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private <T> T call(String attempted, Work<T> work) {
        try {
            return jdbi.withHandle(work::apply);
        } catch (JdbiException e) {
            throw StoreErrors.translate(attempted, e, address);
        }
    }

    /** Database work on a handle. */
    @FunctionalInterface
    private interface Work<T> {
        T apply(Handle handle);
    }
}
