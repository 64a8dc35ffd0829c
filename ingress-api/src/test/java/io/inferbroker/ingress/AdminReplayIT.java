package io.inferbroker.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.HttpTestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /admin/replays}: a cost report and an audit run in the server's background. */
@ExtendWith(InfraExtension.class)
class AdminReplayIT {
    private static final String ADMIN = "test-admin-key";

    private StoreDatabase db;
    private KafkaProducer<String, JobRequested> requests;
    private KafkaProducer<String, ControlCommand> control;
    private IngressServer server;
    private HttpTestClient api;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        requests = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED);
        control = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.CONTROL_COMMAND);
        Instant t0 = Instant.now().minusSeconds(600);
        try (var results =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
            for (String id : List.of("j1", "j2", "j3")) {
                JobResult r = new JobResult(
                        JobResult.VERSION,
                        id,
                        id.equals("j3") ? "B" : "A",
                        "m1",
                        JobStatus.SUCCEEDED,
                        null,
                        null,
                        new Usage(10, 20),
                        new Cost(new BigDecimal("0.5"), "USD"),
                        "w1",
                        1,
                        new Timings(t0, t0, t0, t0.plusMillis(50), t0.plusSeconds(1)));
                results.send(new ProducerRecord<>(kafka.topics().results(), id, WireSerdes.JOB_RESULT.serialize("", r)))
                        .get();
            }
        }
        IngressConfig config = new IngressConfig(
                "127.0.0.1",
                0,
                64 * 1024,
                Duration.ofSeconds(2),
                "",
                kafka.topics(),
                List.of(new ModelInfo("m1", "inferbroker", JobKind.CHAT, true, "simulator")));
        server = IngressServer.startApi(
                config,
                IngressPorts.of(requests, control, kafka.clientProps(), db, ADMIN),
                List.of(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC());
        api = HttpTestClient.of("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.close();
        requests.close();
        control.close();
        db.close();
    }

    @Test
    void shouldRunACostReportAndServeItWhenDone() throws Exception {
        var started = api.post("/admin/replays", ADMIN, """
                {"kind": "cost", "from": "1h", "group_by": ["tenant"],
                 "prices": {"currency": "USD", "default": {"input_per_million": 1000, "output_per_million": 1000}}}""");

        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode run = started.json();
        String url = "/admin/replays/" + run.get("id").asText();
        assertThat(started.headers().firstValue("Location")).contains(url);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get(url, ADMIN).json().get("status").asText().equals("succeeded"));
        JsonNode done = api.get(url, ADMIN).json();
        assertThat(done.get("progress").get("read").asLong()).isEqualTo(3);
        assertThat(done.get("urls").get("report").asText()).isEqualTo(url + "/report");

        var report = api.get(url + "/report", ADMIN);
        assertThat(report.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode total = report.json().get("total");
        assertThat(total.get("jobs").asLong()).isEqualTo(3);
        assertThat(total.get("cost").decimalValue()).isEqualByComparingTo("1.5");
        // 3 jobs x 30 tokens at 1000 per million
        assertThat(total.get("repriced_cost").decimalValue()).isEqualByComparingTo("0.09");
    }

    @Test
    void shouldRunAnAuditAsJsonLines() throws Exception {
        String id = api.post("/admin/replays", ADMIN, "{\"kind\":\"audit\",\"tenant\":\"B\"}")
                .json()
                .get("id")
                .asText();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/admin/replays/" + id + "/report", ADMIN).statusCode() == 200);
        var report = api.get("/admin/replays/" + id + "/report", ADMIN);

        assertThat(report.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
        assertThat(report.body().lines().toList())
                .singleElement()
                .satisfies(l -> assertThat(l).contains("\"job_id\":\"j3\"", "\"event\":\"result\""));
    }

    @Test
    void shouldAnswerProblemsForBadBodiesUnknownRunsAndNoAdminKey() throws Exception {
        var bad = api.post("/admin/replays", ADMIN, "{\"kind\":\"bill\",\"from\":\"yesterday\",\"limit\":0}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = bad.json();
        assertThat(problem.get("errors").findValuesAsText("pointer")).contains("/kind", "/from", "/limit");

        var auditAsHtml = api.post("/admin/replays", ADMIN, "{\"kind\":\"audit\",\"format\":\"html\"}");
        assertThat(auditAsHtml.statusCode()).isEqualTo(422);

        assertThat(api.get("/admin/replays/rpl_nope", ADMIN).statusCode()).isEqualTo(404);
        assertThat(api.get("/admin/replays/rpl_nope/report", ADMIN).statusCode())
                .isEqualTo(404);
        assertThat(api.post("/admin/replays", "not-admin", "{\"kind\":\"cost\"}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(api.post("/admin/replays", ADMIN, "{not json").statusCode()).isEqualTo(400);
    }
}
