package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplayCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldListTheReplayCommands() {
        assertThat(run("replay", "--help")).isZero();
        assertThat(out.toString())
                .contains("audit", "cost", "reconcile", "Exit codes", "reconcile found discrepancies");
    }

    @Test
    void shouldExitWith2ForAnUnreadableTime() {
        assertThat(run("replay", "cost", "--kafka", "127.0.0.1:1", "--from", "yesterday"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--from").contains("'yesterday'");
    }

    @Test
    void shouldExitWith2ForAnUnknownGroupOrFormat() {
        assertThat(run("replay", "cost", "--kafka", "127.0.0.1:1", "--group-by", "region"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'region'");
        assertThat(run("replay", "audit", "--kafka", "127.0.0.1:1", "--format", "html"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("table or json");
    }

    @Test
    void shouldExitWith2WithoutKafka() {
        assertThat(run("replay", "audit", "--job", "j1")).isEqualTo(2);
        assertThat(err.toString()).contains("BROKER_KAFKA_BOOTSTRAP_SERVERS");
    }
}
