package io.inferbroker.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A PostgreSQL server from a Maven Central binaries artifact, run as a child process with its data
 * directory kept across restarts. The caller owns it and closes it (which stops the server).
 */
public final class EmbeddedPostgres implements AutoCloseable {
    /** The superuser of the embedded server; it trusts local connections, so it has no password. */
    public static final String USER = "postgres";

    public static final String DATABASE = "postgres";

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * Starts PostgreSQL on {@code dataDir}, creating the cluster on first use. {@code port} 0 picks a
     * free port.
     *
     * @throws EmbeddedStartException when the server cannot start
     */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir.getParent());
            var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on");
            if (port != 0) {
                builder.setPort(port);
            }
            return new EmbeddedPostgres(builder.start());
        } catch (IOException | IllegalStateException e) {
            throw new EmbeddedStartException(
                    "cannot start embedded PostgreSQL with data in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** A JDBC URL for {@code database} on this server. */
    public String jdbcUrl(String database) {
        return server.getJdbcUrl(USER, database);
    }

    /** Stops the server; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot stop embedded PostgreSQL", e);
            }
        }
    }
}
