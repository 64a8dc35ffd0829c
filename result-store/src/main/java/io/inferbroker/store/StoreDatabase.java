package io.inferbroker.store;

import com.zaxxer.hikari.HikariDataSource;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.store.api.ApiKeyStore;
import io.inferbroker.store.api.IdempotencyStore;
import io.inferbroker.store.api.JobStore;
import io.inferbroker.store.api.ResultLedger;
import io.inferbroker.store.api.StoreException;
import io.inferbroker.store.api.StoreUnavailableException;
import io.inferbroker.store.api.Stores;
import io.inferbroker.store.api.TenantLimitStore;
import io.inferbroker.store.api.WebhookStore;
import io.inferbroker.store.internal.ConnectionPool;
import io.inferbroker.store.internal.DbAddress;
import io.inferbroker.store.internal.JdbiApiKeyStore;
import io.inferbroker.store.internal.JdbiIdempotencyStore;
import io.inferbroker.store.internal.JdbiJobStore;
import io.inferbroker.store.internal.JdbiResultLedger;
import io.inferbroker.store.internal.JdbiTenantLimitStore;
import io.inferbroker.store.internal.JdbiWebhookStore;
import io.inferbroker.store.internal.Migrations;
import io.inferbroker.store.internal.Secrets;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The broker's PostgreSQL database: a connection pool on a schema migrated to the newest version, and
 * the stores reading and writing it. Open one per process; it is thread-safe. The opener closes it,
 * after closing any {@link ResultSink} using it.
 */
public final class StoreDatabase implements Stores, AutoCloseable {
    private static final int HEALTH_QUERY_TIMEOUT_SECONDS = 1;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String address;
    private final JobStore jobs;
    private final ApiKeyStore apiKeys;
    private final TenantLimitStore tenantLimits;
    private final IdempotencyStore idempotency;
    private final ResultLedger ledger;
    private final WebhookStore webhooks;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StoreDatabase(HikariDataSource dataSource, Jdbi jdbi, String address, Clock clock) {
        this.dataSource = dataSource;
        this.jdbi = jdbi;
        this.address = address;
        this.jobs = new JdbiJobStore(jdbi, WireJson.newMapper(), address);
        this.apiKeys = new JdbiApiKeyStore(jdbi, new Secrets(new SecureRandom()), address);
        this.tenantLimits = new JdbiTenantLimitStore(jdbi, address);
        this.idempotency = new JdbiIdempotencyStore(jdbi, WireJson.newMapper(), address);
        this.ledger = new JdbiResultLedger(jdbi, address);
        this.webhooks = new JdbiWebhookStore(jdbi, clock, address);
    }

    /** {@link #open(StoreConfig, MeterRegistry, Clock)} on the system clock. */
    public static StoreDatabase open(StoreConfig config, MeterRegistry registry) {
        return open(config, registry, Clock.systemUTC());
    }

    /**
     * Connects, migrates {@code config.schema()} (creating it if needed) and returns the open database.
     * Blocks for a few seconds at most when the server does not answer.
     *
     * @param clock dates what the webhook store writes (subscriptions, secret expiries, manual retries);
     *     the process's own, as its result sink and webhook dispatcher have
     * @throws StoreUnavailableException when PostgreSQL cannot be reached or refuses the credentials
     * @throws StoreException when the schema cannot be migrated
     */
    public static StoreDatabase open(StoreConfig config, MeterRegistry registry, Clock clock) {
        String address = DbAddress.describe(config.jdbcUrl());
        HikariDataSource dataSource = ConnectionPool.open(config, registry, address);
        try {
            Migrations.migrate(dataSource, config.schema(), address);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        return new StoreDatabase(dataSource, jdbi, address, clock);
    }

    /** Idempotency-Key claims of job submissions. */
    @Override
    public IdempotencyStore idempotency() {
        return idempotency;
    }

    /** Webhook subscriptions, signing secrets and the delivery log. */
    @Override
    public WebhookStore webhooks() {
        return webhooks;
    }

    /** Jobs by tenant and id. */
    @Override
    public JobStore jobs() {
        return jobs;
    }

    /** Tenants and API keys. */
    @Override
    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    /** Every job's stored outcome, across tenants, for reconciliation. */
    @Override
    public ResultLedger ledger() {
        return ledger;
    }

    /** Tenants' admission limits. */
    @Override
    public TenantLimitStore tenantLimits() {
        return tenantLimits;
    }

    /**
     * True when a {@code select 1} answers within about a second (a few when the pool must open a new
     * connection); false when it does not or the database is closed. Never throws.
     */
    public boolean isHealthy() {
        if (closed.get()) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(HEALTH_QUERY_TIMEOUT_SECONDS);
            s.execute("select 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Where the database is, as {@code host:port/database}, for messages; never holds credentials. */
    public String address() {
        return address;
    }

    /** For the sink, the webhook dispatcher and retention: Jdbi stays inside this module. */
    Jdbi jdbi() {
        return jdbi;
    }

    /** Closes the pool; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            dataSource.close();
        }
    }
}
