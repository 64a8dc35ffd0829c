package io.inferbroker.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every role in a process of its own ({@code broker ingress} x2, {@code dispatcher} x2, {@code worker}
 * x2, {@code store}) on Kafka and PostgreSQL processes; under the client mix each process, Kafka and
 * PostgreSQL included, is killed with SIGKILL and started again, and nothing accepted may be lost,
 * stuck, duplicated or run twice. Runs with {@code -Dfaults.enabled=true} (or {@code -Pfaults-full}).
 */
class MultiProcessFaultsIT {

    @Test
    void shouldLoseNothingWhenEveryProcessIsKilledInTurn() throws Exception {
        assumeTrue(Boolean.getBoolean("faults.enabled"), "fault suites run with -Dfaults.enabled=true");
        FaultProfile profile = FaultProfile.current();
        Path root = Path.of(System.getProperty("faults.dir", "target/faults"));
        Path dir = FaultFiles.fresh(root.resolve("multi-process"));
        try (Cluster cluster = Cluster.start(dir);
                FaultRun run = new FaultRun(profile, cluster::ingresses)) {
            run.setUp(Cluster.ADMIN);
            run.run(cluster.targets());
            Tally tally = new Tally(run, cluster::ingresses);
            tally.settle();
            tally.reckon(TopicAudit.read(cluster.bootstrap(), "inference.results", "inference.events"));
            tally.info(
                    "processes that exited by themselves and were started again", Integer.toString(cluster.respawns()));
            String table = tally.table(
                    "Faults, multi-process (" + profile.name() + " profile)",
                    root.resolve("multi-process-" + profile.name() + ".md"));
            System.out.println(table);
            assertThat(tally.failures()).as(table).isEmpty();
        }
    }
}
