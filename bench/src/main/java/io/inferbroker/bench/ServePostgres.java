package io.inferbroker.bench;

import io.inferbroker.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The PostgreSQL server that {@code serve} embedded under its data directory, found by its {@code
 * postmaster.pid} (PostgreSQL's lock file: the first line is the server's process id, the fourth its
 * port). Gives the benchmark a connection of its own and the CPU and memory of the server's
 * processes, which run outside this JVM.
 */
record ServePostgres(long pid, int port, String schema) {
    /** Reads the lock file of the server {@code serve} started under {@code dataDir}. */
    static ServePostgres of(Path dataDir, String schema) throws IOException {
        List<String> lines = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
        return new ServePostgres(
                Long.parseLong(lines.get(0).strip()),
                Integer.parseInt(lines.get(3).strip()),
                schema);
    }

    /** A new connection to the broker's schema; the caller closes it. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/" + EmbeddedPostgres.DATABASE + "?currentSchema=" + schema,
                EmbeddedPostgres.USER,
                "");
    }

    /**
     * CPU time used so far by the server and its live child processes (backends, WAL writer,
     * checkpointer, autovacuum); a child that has exited no longer counts, but the broker's pooled
     * connections live as long as the broker.
     */
    long cpuNanos() {
        return processes()
                .mapToLong(
                        p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }

    /**
     * Proportional set size of the server's processes, summed: shared memory (the buffer cache) is
     * divided among the processes that map it, so the sum counts it once. 0 when unreadable.
     */
    long pssBytes() {
        return processes()
                .mapToLong(p -> ProcessUsage.procKilobytes(p.pid(), "smaps_rollup", "Pss:") * 1024)
                .sum();
    }

    private Stream<ProcessHandle> processes() {
        return ProcessHandle.of(pid).stream().flatMap(p -> Stream.concat(Stream.of(p), p.descendants()));
    }
}
