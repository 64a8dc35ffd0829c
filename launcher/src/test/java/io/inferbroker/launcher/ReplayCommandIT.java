package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.ContractViolationException;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.store.ResultSink;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code broker replay} end to end: config loading, output files and exit codes. */
@ExtendWith(InfraExtension.class)
class ReplayCommandIT {
    private static final Instant T0 = Instant.now().minus(Duration.ofHours(2));
    private static final Price PRICE = new Price(BigDecimal.ONE, BigDecimal.TEN, BigDecimal.ZERO, "USD");

    @TempDir
    Path dir;

    private PostgresInfra pg;
    private KafkaInfra kafka;
    private StoreDatabase db;
    private ResultSink sink;
    private Path config;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        this.pg = pg;
        this.kafka = kafka;
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
        try (var producer =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
            WorkerStatus w = new WorkerStatus(
                    WorkerStatus.VERSION,
                    "w1",
                    "sim",
                    List.of("m1"),
                    WorkerState.ACTIVE,
                    4,
                    0,
                    true,
                    1,
                    1,
                    PRICE,
                    "t",
                    T0);
            producer.send(
                    new ProducerRecord<>(kafka.topics().workers(), "w1", WireSerdes.WORKER_STATUS.serialize("", w)));
            for (String id : List.of("j1", "j2")) {
                // 100 input at 1/M + 100 output at 10/M = 0.0011
                JobResult r = new JobResult(
                        JobResult.VERSION,
                        id,
                        "A",
                        "m1",
                        JobStatus.SUCCEEDED,
                        null,
                        null,
                        new Usage(100, 100),
                        new Cost(new BigDecimal("0.0011"), "USD"),
                        "w1",
                        1,
                        new Timings(T0, T0, T0, T0.plusMillis(100), T0.plusSeconds(1)));
                producer.send(
                        new ProducerRecord<>(kafka.topics().results(), id, WireSerdes.JOB_RESULT.serialize("", r)));
            }
            producer.flush();
        }
        config = Files.writeString(dir.resolve("broker.yaml"), """
                kafka: {bootstrap_servers: "%s", topic_prefix: "%s"}
                db: {url: "%s", user: "%s", password: "%s", schema: "%s"}
                """.formatted(
                        kafka.bootstrapServers(),
                        kafka.topics().prefix(),
                        pg.jdbcUrl(),
                        pg.user(),
                        pg.password(),
                        pg.schema()));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> db.ledger().find(Set.of("j1", "j2")).size() == 2);
    }

    @AfterEach
    void stop() {
        sink.close();
        db.close();
    }

    private int run(String... args) {
        return Main.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
    }

    @Test
    void shouldWriteACostReportToAFile() throws Exception {
        Path report = dir.resolve("cost.json");

        int code = run(
                "replay",
                "cost",
                "--config",
                config.toString(),
                "--from",
                "1d",
                "--format",
                "json",
                "-o",
                report.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.readString(report)).contains("\"jobs\" : 2", "\"cost\" : 0.0022");
    }

    @Test
    void shouldExit0WhenCleanAnd1OnADiscrepancy() throws Exception {
        assertThat(run("replay", "reconcile", "--config", config.toString(), "--from", "1d"))
                .as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("2 jobs checked, 0 discrepancies");

        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement s = c.createStatement()) {
            s.execute("delete from jobs where id = 'j2'");
        }
        int code = run("replay", "reconcile", "--config", config.toString(), "--from", "1d", "--format", "json");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("\"kind\" : \"missing_result\"", "\"job_id\" : \"j2\"");
    }

    @Test
    void shouldExit3WhenTheReportCannotBeWritten() {
        Path nowhere = dir.resolve("missing-dir").resolve("cost.csv");

        int code = run("replay", "cost", "--config", config.toString(), "--format", "csv", "-o", nowhere.toString());

        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).contains("cannot write").contains("missing-dir");
    }

    @Test
    void shouldListTheDeadLettersWithReasonAndPlace() throws Exception {
        DeadLetter letter = DeadLetter.of(
                ConsumerRole.DISPATCHER,
                kafka.topics().requests(),
                4,
                1841,
                "j9".getBytes(StandardCharsets.UTF_8),
                "{\"job_id\":\"j9\"}".getBytes(StandardCharsets.UTF_8),
                new ContractViolationException(
                        kafka.topics().requests(), JobRequested.class, "tenant_id", "is missing"),
                Instant.now());
        try (var producer =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.DEAD_LETTER)) {
            producer.send(new ProducerRecord<>(kafka.topics().deadLetters(), letter.sourceRef(), letter))
                    .get();
        }

        int code = run("replay", "dead-letters", "--config", config.toString(), "--from", "1h", "-q");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("reason")
                .contains("dispatcher")
                .contains(kafka.topics().requests())
                .contains("1841")
                .contains("tenant_id is missing");
    }

    @Test
    void shouldPrintAnAuditTimeline() {
        int code = run("replay", "audit", "--config", config.toString(), "--from", "1d", "--job", "j1");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("result", "status=succeeded", "cost=0.0011", "1 job");
    }
}
