package io.inferbroker.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A PostgreSQL server from a Maven Central binaries artifact, run as a process of its own with its
 * data directory kept across restarts. The caller owns it and closes it (which stops the server).
 *
 * <p>The server never outlives the JVM that started it by more than its shutdown: a watchdog process
 * stops it when the JVM dies, and a start first stops a server that a dead broker left on the data
 * directory. Commits are durable ({@code synchronous_commit} on, {@code fsync} on): a committed
 * transaction survives a crash of the operating system, not only of the process.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    /** The superuser of the embedded server; it trusts local connections, so it has no password. */
    public static final String USER = "postgres";

    public static final String DATABASE = "postgres";

    /** How long a server left by a dead broker may take to shut down before it is killed. */
    private static final Duration LEFTOVER_STOP = Duration.ofSeconds(30);

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final Process watchdog;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Process watchdog) {
        this.server = server;
        this.watchdog = watchdog;
    }

    /**
     * Starts PostgreSQL on {@code dataDir}, creating the cluster on first use. {@code port} 0 picks a
     * free port. A server still running on {@code dataDir} for a broker that died is stopped first.
     *
     * @throws EmbeddedStartException when the server cannot start, or when another live process
     *     holds {@code dataDir}
     */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
        try {
            Files.createDirectories(dataDir.getParent());
            var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // Runs holding the directory's lock, so a server found here has no live owner.
                    .setDataDirectoryCustomizer(dir -> Postmasters.stopLeftover(dir.toPath(), LEFTOVER_STOP))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    // The library turns it off; an offset committed after a database commit must never
                    // point past data that a crash of the machine can take back.
                    .setServerConfig("synchronous_commit", "on");
            if (port != 0) {
                builder.setPort(port);
            }
            server = builder.start();
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).startsWith("could not lock")) {
                throw new EmbeddedStartException(
                        "cannot start embedded PostgreSQL with data in " + dataDir
                                + ": another running process uses that directory (is a broker already running on it?)",
                        e);
            }
            throw new EmbeddedStartException(
                    "cannot start embedded PostgreSQL with data in " + dataDir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new EmbeddedStartException(
                    "cannot start embedded PostgreSQL with data in " + dataDir + ": " + e.getMessage(), e);
        }
        try {
            ProcessHandle postmaster = Postmasters.running(dataDir)
                    .orElseThrow(() -> new IOException("no server named by " + dataDir.resolve("postmaster.pid")));
            return new EmbeddedPostgres(server, Postmasters.watch(postmaster));
        } catch (IOException | RuntimeException e) {
            try {
                server.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new EmbeddedStartException(
                    "cannot watch embedded PostgreSQL with data in " + dataDir + ": " + e.getMessage(), e);
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
            watchdog.destroy();
            try {
                server.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot stop embedded PostgreSQL", e);
            }
        }
    }
}
