package io.inferbroker.replay;

import static io.inferbroker.replay.EventFeed.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.replay.Discrepancy.Kind;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Usage;
import io.inferbroker.store.ResultSink;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.api.LedgerEntry;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class ReconcileIT {
    private static final ReplayRange ALL = new ReplayRange(at(0), at(4));

    private PostgresInfra pg;
    private EventFeed feed;
    private StoreDatabase db;
    private ResultSink sink;
    private Replay replay;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.pg = pg;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        db = StoreDatabase.open(new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), registry);
        sink = new ResultSink(
                db,
                kafka.topics(),
                kafka.clientProps(),
                kafka.topics().prefix() + "store",
                registry,
                Clock.systemUTC());
        sink.start();
        feed = new EventFeed(kafka);
        feed.standardSet();
        replay = new Replay(new ReplaySource(kafka.bootstrapServers(), kafka.topics()), ReplayProgress.QUIET);
    }

    @AfterEach
    void stop() {
        feed.close();
        sink.close();
        db.close();
    }

    @Test
    void shouldFindNothingWhenTheStoreAgreesWithTheTopics() {
        awaitStored(Map.of("j1", 1, "j2", 1, "j3", 1, "j4", 1));

        Reconciliation r = replay.reconcile(ALL, ReplayFilter.all(), db.ledger());

        assertThat(r.jobsChecked()).isEqualTo(4);
        assertThat(r.discrepancies()).isEmpty();
        assertThat(r.clean()).isTrue();
    }

    @Test
    void shouldListEveryPlantedFault() throws SQLException {
        // j5 records a cost its usage and worker price do not explain: 1000 input tokens on w2 cost 0.0005.
        feed.result("j5", "A", "m2", "w2", JobStatus.SUCCEEDED, new Usage(1000, 0), "0.5", 0, 2, at(2));
        // j6 ran twice and both attempts sent a terminal result.
        feed.result("j6", "B", "m2", "w2", JobStatus.SUCCEEDED, new Usage(10, 10), "0.000015", 0, 2, at(2), 1);
        feed.result("j6", "B", "m2", "w2", JobStatus.SUCCEEDED, new Usage(10, 10), "0.000015", 0, 2, at(2), 2);
        awaitStored(Map.of("j1", 1, "j2", 1, "j3", 1, "j4", 1, "j5", 1, "j6", 2));
        sql("delete from jobs where id = 'j3'");
        sql("update jobs set cost_amount = 0.9 where id = 'j1'");

        Reconciliation r = replay.reconcile(ALL, ReplayFilter.all(), db.ledger());

        assertThat(r.jobsChecked()).isEqualTo(6);
        assertThat(r.discrepancies())
                .extracting(Discrepancy::jobId, Discrepancy::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("j1", Kind.COST_MISMATCH),
                        org.assertj.core.groups.Tuple.tuple("j3", Kind.MISSING_RESULT),
                        org.assertj.core.groups.Tuple.tuple("j5", Kind.COST_MISMATCH),
                        org.assertj.core.groups.Tuple.tuple("j5", Kind.COST_MISMATCH),
                        org.assertj.core.groups.Tuple.tuple("j6", Kind.DUPLICATE_TERMINAL));
        assertThat(r.discrepancies().getFirst().detail()).contains("store holds 0.9", "recomputed 0.007");
        assertThat(r.discrepancies())
                .filteredOn(d -> d.jobId().equals("j5"))
                .extracting(Discrepancy::detail)
                .anySatisfy(d -> assertThat(d).contains("records 0.5", "0.0005"));
        assertThat(r.discrepancies().getLast().detail()).contains("attempts [1, 2]");

        StringBuilder table = new StringBuilder();
        ReportWriters.reconciliation(r, ReportFormat.TABLE, table);
        assertThat(table.toString()).contains("missing_result", "6 jobs checked, 5 discrepancies");
    }

    @Test
    void shouldReconcileOnlyTheFilteredJobsInTheRange() throws SQLException {
        awaitStored(Map.of("j1", 1, "j2", 1, "j3", 1, "j4", 1));
        sql("update jobs set cost_amount = 0.9 where id = 'j1'");

        Reconciliation secondHour = replay.reconcile(new ReplayRange(at(2), at(3)), ReplayFilter.all(), db.ledger());

        assertThat(secondHour.jobsChecked()).isEqualTo(1);
        assertThat(secondHour.clean()).isTrue();
    }

    private void awaitStored(Map<String, Integer> resultsPerJob) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, LedgerEntry> found = db.ledger().find(resultsPerJob.keySet());
            return resultsPerJob.entrySet().stream().allMatch(e -> {
                LedgerEntry le = found.get(e.getKey());
                return le != null && le.status().isTerminal() && le.resultsReceived() == e.getValue();
            });
        });
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
