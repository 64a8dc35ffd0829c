package io.inferbroker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker killed with SIGKILL leaves no PostgreSQL behind that blocks the next start. */
class EmbeddedPostgresCrashIT {

    @TempDir
    Path dir;

    private Process owner;

    @AfterEach
    void stopLeftovers() {
        if (owner != null) {
            owner.destroyForcibly();
        }
        Postmasters.running(dir.resolve("postgres")).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void shouldStopTheServerWhenTheJvmThatStartedItIsKilled() throws Exception {
        Path data = dir.resolve("postgres");
        owner = startOwner("watched", data);
        ProcessHandle server = Postmasters.running(data).orElseThrow();

        owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
        assertThat(Postmasters.running(data)).isEmpty();
    }

    @Test
    void shouldTakeOverTheDataDirectoryFromAServerLeftRunning() throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0)) {
            execute(pg, "create table kept(v text)", "insert into kept values ('survives')");
        }
        owner = startOwner("bare", data);
        ProcessHandle left = Postmasters.running(data).orElseThrow();
        owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(left.isAlive())
                .as("nothing stops a server started without a watchdog")
                .isTrue();

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0)) {
            assertThat(left.isAlive()).isFalse();
            assertThat(query(pg, "select v from kept")).isEqualTo("survives");
            assertThat(query(pg, "show synchronous_commit")).isEqualTo("on");
        }
    }

    private static Process startOwner(String mode, Path data) throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        PostgresOwner.class.getName(),
                        mode,
                        data.toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            // the server's own log lines come first
        }
        assertThat(line).as("the owner process started PostgreSQL").isEqualTo("ready");
        // Keep draining, so the owner never blocks on a full pipe.
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
        return p;
    }

    private static void execute(EmbeddedPostgres pg, String... statements) throws SQLException {
        try (Connection c = connect(pg);
                Statement s = c.createStatement()) {
            for (String sql : List.of(statements)) {
                s.execute(sql);
            }
        }
    }

    private static String query(EmbeddedPostgres pg, String sql) throws SQLException {
        try (Connection c = connect(pg);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static Connection connect(EmbeddedPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(EmbeddedPostgres.DATABASE), EmbeddedPostgres.USER, "");
    }
}
