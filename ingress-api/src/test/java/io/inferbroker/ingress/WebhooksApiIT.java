package io.inferbroker.ingress;

import static io.inferbroker.testkit.http.ProblemAssert.assertThatProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.ResultSink;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.WebhookConfig;
import io.inferbroker.store.WebhookDispatcher;
import io.inferbroker.store.api.WebhookTargetPolicy;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.HttpTestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class WebhooksApiIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The one internal address the ingress's allow-list admits (the dispatchers here admit none). */
    private static final String ALLOWED = "127.0.0.2";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KafkaInfra kafka;
    private PostgresInfra pg;
    private StoreDatabase db;
    private IngressServer server;
    private String tenant;
    private String key;
    private String otherKey;
    private HttpTestClient api;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.kafka = kafka;
        this.pg = pg;
        db = StoreDatabase.open(storeConfig(), registry);
        tenant = db.apiKeys().createTenant("acme");
        key = db.apiKeys().issueKey(tenant).secret();
        otherKey = db.apiKeys().issueKey(db.apiKeys().createTenant("other")).secret();
        server = serve(db, registry, Clock.systemUTC());
        api = HttpTestClient.of("http://127.0.0.1:" + server.port());
    }

    private StoreConfig storeConfig() {
        return new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 4, pg.schema());
    }

    private IngressServer serve(StoreDatabase store, PrometheusMeterRegistry metrics, Clock clock) {
        var requests = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED);
        var control = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.CONTROL_COMMAND);
        IngressConfig config = new IngressConfig(
                "127.0.0.1",
                0,
                64 * 1024,
                Duration.ofSeconds(2),
                "",
                kafka.topics(),
                List.of(new ModelInfo("sim-echo", "inferbroker", JobKind.CHAT, true, "simulator")));
        return IngressServer.startApi(
                config,
                IngressPorts.of(
                        requests,
                        control,
                        kafka.clientProps(),
                        store,
                        "admin",
                        new WebhookTargetPolicy(List.of(ALLOWED))),
                List.of(),
                metrics,
                clock);
    }

    @AfterEach
    void stop() {
        server.close();
        db.close();
    }

    @Test
    void shouldShowTheSecretOnlyAtCreationAndHideSubscriptionsFromOtherTenants() throws Exception {
        var created = api.post("/v1/webhooks", key, "{\"url\":\"https://example.com/hook\",\"events\":[\"job.*\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.get("id").asText();
        assertThat(body.get("secret").asText()).startsWith("whsec_");
        assertThat(body.get("status").asText()).isEqualTo("active");

        var shown = api.get("/v1/webhooks/" + id, key);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.json().has("secret")).isFalse();
        assertThat(api.get("/v1/webhooks", key).json().get("data")).hasSize(1);
        assertThat(api.get("/v1/webhooks", otherKey).json().get("data")).isEmpty();
        assertThat(api.get("/v1/webhooks/" + id, otherKey).statusCode()).isEqualTo(404);
        assertThat(api.delete("/v1/webhooks/" + id, otherKey).statusCode()).isEqualTo(404);
        assertThat(api.post("/v1/webhooks/" + id + "/rotate-secret", otherKey, "")
                        .statusCode())
                .isEqualTo(404);

        var rotated = api.post("/v1/webhooks/" + id + "/rotate-secret", key, "{\"overlap_seconds\":60}");
        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(rotated.json().get("secret").asText())
                .startsWith("whsec_")
                .isNotEqualTo(body.get("secret").asText());
        assertThat(api.delete("/v1/webhooks/" + id, key).statusCode()).isEqualTo(204);
        assertThat(api.get("/v1/webhooks/" + id, key).statusCode()).isEqualTo(404);
        assertThat(api.post("/v1/webhooks/job-secret/rotate", key, "").statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldDateSubscriptionsAndSecretExpiriesByTheServersClock() throws Exception {
        Instant t = Instant.parse("2031-05-06T07:08:09Z");
        Clock fixed = Clock.fixed(t, ZoneOffset.UTC);
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (StoreDatabase store = StoreDatabase.open(storeConfig(), metrics, fixed);
                IngressServer at = serve(store, metrics, fixed)) {
            HttpTestClient fixedApi = api.at("http://127.0.0.1:" + at.port());
            JsonNode created = fixedApi.post(
                            "/v1/webhooks", key, "{\"url\":\"https://example.com/hook\",\"events\":[\"job.*\"]}")
                    .json();
            assertThat(Instant.parse(created.get("created_at").asText()))
                    .as("the store's clock")
                    .isEqualTo(t);

            String path = "/v1/webhooks/" + created.get("id").asText() + "/rotate-secret";
            JsonNode rotated =
                    fixedApi.post(path, key, "{\"overlap_seconds\":90}").json();
            assertThat(Instant.parse(rotated.get("previous_secrets_expire_at").asText()))
                    .as("the handler's clock plus the overlap")
                    .isEqualTo(t.plusSeconds(90));
            JsonNode job = fixedApi.post("/v1/webhooks/job-secret/rotate", key, "{\"overlap_seconds\":30}")
                    .json();
            assertThat(Instant.parse(job.get("previous_secrets_expire_at").asText()))
                    .isEqualTo(t.plusSeconds(30));
        }
    }

    @Test
    void shouldNameTheFieldOrParameterThatIsWrong() throws Exception {
        assertThatProblem(api.post("/v1/webhooks", key, "{\"url\":\"ftp://x\",\"events\":[\"job.*\"]}"))
                .hasStatus(422)
                .hasFirstError("pointer", "/url");
        assertThatProblem(
                        api.post("/v1/webhooks", key, "{\"url\":\"https://x.io\",\"events\":[\"job.*\",\"job.done\"]}"))
                .hasStatus(422)
                .hasFirstError("pointer", "/events/1");
        assertThatProblem(api.post("/v1/webhooks", key, "{\"url\":\"https://x.io\"}"))
                .hasStatus(422)
                .hasFirstError("pointer", "/events");
        String id = api.post("/v1/webhooks", key, "{\"url\":\"https://x.io\",\"events\":[\"job.*\"]}")
                .json()
                .get("id")
                .asText();
        assertThatProblem(api.post("/v1/webhooks/" + id + "/rotate-secret", key, "{\"overlap_seconds\":-1}"))
                .hasStatus(422)
                .hasFirstError("pointer", "/overlap_seconds");
        assertThatProblem(api.get("/v1/webhooks/" + id + "/deliveries?limit=0", key))
                .hasStatus(422)
                .hasFirstError("parameter", "limit");
        assertThatProblem(api.get("/v1/webhook-deliveries", key)).hasStatus(422).hasFirstError("parameter", "job_id");
        assertThat(api.post("/v1/webhooks", null, "{}").statusCode()).isEqualTo(401);
        String job = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"x\"},"
                + "\"webhook\":{\"url\":\"https://x.io\",\"events\":[\"job.succeeded\",\"job.nope\"]}}";
        assertThatProblem(api.post("/v1/jobs", key, job)).hasStatus(422).hasFirstError("pointer", "/webhook/events/1");
    }

    @Test
    void shouldLogDeliveriesAndRetryAnExhaustedOneForItsTenantOnly() throws Exception {
        // Allow-listed when registered but not by the dispatcher, which checks again on connect: the one
        // attempt is refused and the delivery is exhausted.
        String id = api.post(
                        "/v1/webhooks", key, "{\"url\":\"http://" + ALLOWED + ":9/x\",\"events\":[\"job.failed\"]}")
                .json()
                .get("id")
                .asText();
        var config = new WebhookConfig(List.of(), 0, Duration.ofSeconds(1), List.of(), 8, Duration.ofMillis(50));
        try (ResultSink sink = new ResultSink(
                        db,
                        kafka.topics(),
                        kafka.clientProps(),
                        kafka.topics().prefix() + "s",
                        registry,
                        Clock.systemUTC());
                WebhookDispatcher dispatcher =
                        WebhookDispatcher.start(db, config, null, kafka.topics(), registry, Clock.systemUTC())) {
            sink.start();
            sendFailedResult("job-w");
            JsonNode log = await().atMost(WAIT)
                    .until(
                            () -> api.get("/v1/webhooks/" + id + "/deliveries", key)
                                    .json()
                                    .get("data"),
                            d -> d.size() == 1
                                    && d.get(0).get("status").asText().equals("exhausted"));
            JsonNode delivery = log.get(0);
            assertThat(delivery.get("event_type").asText()).isEqualTo("job.failed");
            assertThat(delivery.get("attempt_log").get(0).get("outcome").asText())
                    .isEqualTo("exhausted");
            assertThat(delivery.get("last_error").asText()).startsWith("refused");
            String deliveryId = delivery.get("id").asText();

            var forJob = api.get("/v1/webhook-deliveries?job_id=job-w", key).json();
            assertThat(forJob.get("data").get(0).get("id").asText()).isEqualTo(deliveryId);
            assertThat(api.get("/v1/webhook-deliveries?job_id=job-w", otherKey)
                            .json()
                            .get("data"))
                    .isEmpty();
            assertThat(api.get("/v1/webhooks/" + id + "/deliveries", otherKey).statusCode())
                    .isEqualTo(404);
            assertThat(api.post("/v1/webhook-deliveries/" + deliveryId + "/retry", otherKey, "")
                            .statusCode())
                    .isEqualTo(404);

            var retried = api.post("/v1/webhook-deliveries/" + deliveryId + "/retry", key, "");
            assertThat(retried.statusCode()).isEqualTo(202);
            await().atMost(WAIT)
                    .until(() -> api.get("/v1/webhook-deliveries?job_id=job-w", key)
                                    .json()
                                    .get("data")
                                    .get(0)
                                    .get("attempts")
                                    .asInt()
                            == 2);
        }
    }

    @Test
    void shouldRefuseWebhookUrlsAimedAtInternalAddressesWhenRegisteredUnlessAllowListed() throws Exception {
        for (String url : List.of(
                "http://10.1.2.3/hook",
                "http://192.168.0.10/hook",
                "http://169.254.169.254/latest/meta-data",
                "http://[::1]:8080/hook",
                "http://[fd00:ec2::254]/hook",
                "http://0.0.0.0/hook",
                "http://224.0.0.1/hook",
                "http://localhost:9/hook")) {
            var refused = api.post("/v1/webhooks", key, "{\"url\":\"" + url + "\",\"events\":[\"job.*\"]}");
            assertThatProblem(refused).hasStatus(422).hasFirstError("pointer", "/url");
            assertThat(refused.json().get("detail").asText()).as(url).contains("internal address");
        }
        assertThat(api.get("/v1/webhooks", key).json().get("data")).isEmpty();
        String job = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"x\"},\"webhook\":{\"url\":\"%s\"}}";
        assertThatProblem(api.post("/v1/jobs", key, job.formatted("http://localhost:9/hook")))
                .hasStatus(422)
                .hasFirstError("pointer", "/webhook/url");

        String allowed = "http://" + ALLOWED + ":9/hook";
        assertThat(api.post("/v1/webhooks", key, "{\"url\":\"" + allowed + "\",\"events\":[\"job.*\"]}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(api.post("/v1/jobs", key, job.formatted(allowed)).statusCode())
                .isEqualTo(202);
        // A name that does not resolve now is accepted; the dispatcher checks it again on connect.
        assertThat(api.post("/v1/webhooks", key, "{\"url\":\"https://hooks.example.invalid/x\",\"events\":[\"job.*\"]}")
                        .statusCode())
                .isEqualTo(201);
    }

    private void sendFailedResult(String jobId) throws Exception {
        try (var results = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_RESULT)) {
            Instant now = Instant.now();
            var error = new io.inferbroker.schemas.JobError("boom", "it broke");
            var result = new JobResult(
                    1,
                    jobId,
                    tenant,
                    "sim-echo",
                    JobStatus.FAILED,
                    null,
                    error,
                    null,
                    null,
                    "w",
                    1,
                    new Timings(now, now, now, now, now));
            results.send(new ProducerRecord<>(kafka.topics().results(), jobId, result))
                    .get();
        }
    }
}
