package io.inferbroker.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.api.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/** Builds the HikariCP pool of a store; fails fast, with a clear message, when PostgreSQL cannot be reached. */
public final class ConnectionPool {
    /** How long a caller waits for a connection (and a new connection for the server) before giving up. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private ConnectionPool() {}

    /**
     * Opens the pool, trying one connection right away.
     *
     * @throws StoreUnavailableException when that connection fails
     */
    public static HikariDataSource open(StoreConfig config, MeterRegistry registry, String address) {
        HikariConfig h = new HikariConfig();
        h.setPoolName("broker-store");
        h.setJdbcUrl(config.jdbcUrl());
        h.setUsername(config.user());
        h.setPassword(config.password());
        h.setMaximumPoolSize(config.poolSize());
        h.setMinimumIdle(Math.min(config.poolSize(), 2));
        // Every connection resolves unqualified names in the broker's schema.
        h.setSchema(config.schema());
        h.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        h.setValidationTimeout(Duration.ofSeconds(1).toMillis());
        h.setInitializationFailTimeout(1);
        h.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        h.addDataSourceProperty("ApplicationName", "inferbroker");
        // Rewritten batches turn two upserts of one job into one multi-row statement, which PostgreSQL rejects.
        h.addDataSourceProperty("reWriteBatchedInserts", "false");
        h.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        try {
            return new HikariDataSource(h);
        } catch (HikariPool.PoolInitializationException e) {
            throw new StoreUnavailableException(
                    "cannot connect to PostgreSQL at " + address + " as user '" + config.user() + "': "
                            + StoreErrors.reason(e),
                    e);
        }
    }
}
