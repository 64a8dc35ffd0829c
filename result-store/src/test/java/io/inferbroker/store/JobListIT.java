package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.api.JobPage;
import io.inferbroker.store.api.JobQuery;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class JobListIT {
    private static final String TENANT = "ten_list";
    private static final Instant T0 = Instant.parse("2026-05-01T12:00:00.000001Z");

    private PostgresInfra pg;
    private StoreDatabase db;
    private ResultSink sink;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        this.pg = pg;
        var registry = new SimpleMeterRegistry();
        db = StoreDatabase.open(new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), registry);
        sink = new ResultSink(
                db,
                kafka.topics(),
                kafka.clientProps(),
                kafka.topics().prefix() + "store",
                registry,
                Clock.systemUTC());
        sink.start();
        try (var producer =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED)) {
            for (int i = 0; i < 25; i++) {
                JobRequested base = WireFixtures.request("job-" + i, i == 24 ? "ten_other" : TENANT);
                producer.send(new ProducerRecord<>(kafka.topics().requests(), base.jobId(), at(base, i)));
            }
            producer.flush();
        }
        // The requests spread over several partitions, written in separate batches: wait for all of them.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> db.jobs()
                                .list(TENANT, new JobQuery(Optional.empty(), Optional.empty(), 100, Optional.empty()))
                                .jobs()
                                .size()
                        == 24);
    }

    private static JobRequested at(JobRequested r, int i) {
        // Two jobs share each acceptance time, so the id must break ties.
        return new JobRequested(
                r.schemaVersion(),
                r.jobId(),
                r.tenantId(),
                r.apiKeyId(),
                i % 3 == 0 ? "model-b" : "model-a",
                r.kind(),
                r.input(),
                r.priority(),
                r.deadline(),
                r.webhook(),
                r.metadata(),
                r.idempotencyKey(),
                r.replyTo(),
                T0.plusSeconds(i / 2));
    }

    @AfterEach
    void stop() {
        sink.close();
        db.close();
    }

    @Test
    void shouldPageThroughOwnJobsNewestFirstWithoutGapsOrRepeats() {
        List<String> seen = new ArrayList<>();
        Optional<JobQuery.Cursor> after = Optional.empty();
        List<Integer> sizes = new ArrayList<>();
        do {
            JobPage page = db.jobs().list(TENANT, new JobQuery(Optional.empty(), Optional.empty(), 10, after));
            sizes.add(page.jobs().size());
            page.jobs().forEach(j -> seen.add(j.id()));
            after = page.next().map(c -> JobQuery.Cursor.decode(c.encode()).orElseThrow());
        } while (after.isPresent());

        assertThat(sizes).containsExactly(10, 10, 4);
        assertThat(seen).doesNotHaveDuplicates().hasSize(24).doesNotContain("job-24");
        List<String> expected = new ArrayList<>();
        for (int i = 23; i >= 0; i -= 2) {
            expected.add("job-" + i);
            expected.add("job-" + (i - 1));
        }
        expected.sort((a, b) -> {
            int ia = Integer.parseInt(a.substring(4));
            int ib = Integer.parseInt(b.substring(4));
            int byTime = Integer.compare(ib / 2, ia / 2);
            return byTime != 0 ? byTime : b.compareTo(a);
        });
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldFilterByModelAndStatus() {
        JobPage modelB =
                db.jobs().list(TENANT, new JobQuery(Optional.empty(), Optional.of("model-b"), 100, Optional.empty()));
        assertThat(modelB.jobs())
                .hasSize(8)
                .allSatisfy(j -> assertThat(j.model()).isEqualTo("model-b"));
        assertThat(modelB.next()).isEmpty();

        JobPage queued = db.jobs()
                .list(TENANT, new JobQuery(Optional.of(JobStatus.QUEUED), Optional.empty(), 100, Optional.empty()));
        assertThat(queued.jobs()).hasSize(24);
        JobPage done = db.jobs()
                .list(TENANT, new JobQuery(Optional.of(JobStatus.SUCCEEDED), Optional.empty(), 100, Optional.empty()));
        assertThat(done.jobs()).isEmpty();
    }

    @Test
    void shouldRefuseForeignCursorsAndUseTheTenantIndex() throws Exception {
        assertThat(JobQuery.Cursor.decode("not a cursor")).isEmpty();
        assertThat(JobQuery.Cursor.decode("")).isEmpty();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                var s = c.createStatement()) {
            s.execute("set enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery(
                    "explain select id from jobs where tenant_id = 'x' order by created_at desc, id desc limit 11")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            assertThat(plan.toString()).contains("jobs_tenant_created");
        }
    }
}
