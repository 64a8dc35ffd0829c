package io.inferbroker.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferbroker.embedded.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole broker in one {@code broker serve} process (embedded Kafka and PostgreSQL under its data
 * directory), killed with SIGKILL and started again on the same directory under the client mix.
 * Afterwards serve is stopped and the audit reads its Kafka log directly. Runs with
 * {@code -Dfaults.enabled=true} (or {@code -Pfaults-full}).
 */
class ServeFaultsIT {
    private static final String CONFIG = """
            models:
              - id: sim-echo
                max_queue_delay_ms: 5
                routing: least-loaded
            workers:
              - id: w-1
                models: [sim-echo]
                time_scale: 0.1
                input_per_million: 0.10
                output_per_million: 0.40
              - id: w-2
                models: [sim-echo]
                time_scale: 0.1
                input_per_million: 0.10
                output_per_million: 0.40
            """;

    @Test
    void shouldLoseNothingWhenServeIsKilledAndRestartedOnItsDataDirectory() throws Exception {
        assumeTrue(Boolean.getBoolean("faults.enabled"), "fault suites run with -Dfaults.enabled=true");
        FaultProfile base = FaultProfile.current();
        FaultProfile profile = base.withJobs(base.jobs() / 3);
        Path root = Path.of(System.getProperty("faults.dir", "target/faults"));
        Path dir = FaultFiles.fresh(root.resolve("serve"));
        Path config = Files.writeString(dir.resolve("broker.yaml"), CONFIG);
        Map<String, String> env = Map.of(
                "BROKER_ADMIN_KEY", Cluster.ADMIN,
                "BROKER_WEBHOOKS_ALLOW_LIST", "127.0.0.1",
                "BROKER_WEBHOOKS_SCHEDULE", "1s,2s,5s,10s,20s,30s",
                "BROKER_HTTP_SYNC_TIMEOUT_MS", "30000");
        try (ServeNode serve = new ServeNode(dir, Cluster.freePort(), env, config);
                FaultRun run = new FaultRun(profile, () -> List.of(serve.base()))) {
            serve.start();
            org.awaitility.Awaitility.await("start of serve")
                    .atMost(java.time.Duration.ofMinutes(3))
                    .pollInterval(java.time.Duration.ofMillis(250))
                    .until(serve::ready);
            run.setUp(Cluster.ADMIN);
            run.run(List.of(serve.target()));
            Tally tally = new Tally(run, () -> List.of(serve.base()));
            tally.settle();
            boolean stopped = serve.stop();
            serve.close(); // the postmasters of this and earlier runs, if any are left
            TopicAudit.Findings kafka;
            try (EmbeddedKafka log = EmbeddedKafka.start(serve.dataDir().resolve("kafka"), 0)) {
                kafka = TopicAudit.read(log.bootstrapServers(), "inference.results", "inference.events");
            }
            tally.reckon(kafka);
            tally.info("postmasters that outlived a SIGKILL of serve", Integer.toString(serve.orphans()));
            tally.zero("serve restarts that died at start", serve.failedRestarts());
            tally.zero("postmasters of a killed serve still running once it was ready again", serve.lingering());
            tally.zero("serve not stopped within 60 s of SIGTERM", stopped ? 0 : 1);
            String table = tally.table(
                    "Faults, one serve process (" + profile.name() + " profile)",
                    root.resolve("serve-" + profile.name() + ".md"));
            System.out.println(table);
            assertThat(tally.failures()).as(table).isEmpty();
        }
    }
}
