package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {
    @Test
    void shouldExitWith2AndNameTheOptionForABadValue() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine().setErr(new PrintWriter(err));
        int code = cli.execute("serve", "--port", "eighty");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--port").contains("eighty");
    }

    @Test
    void shouldListEveryRoleInHelp() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine().setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("serve", "ingress", "dispatcher", "worker", "store");
    }
}
