package io.inferbroker.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.inferbroker.store.WebhookTargetPolicy;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KafkaInfra kafka;
    private PostgresInfra pg;
    private StoreDatabase db;
    private IngressServer server;
    private String tenant;
    private String key;
    private String otherKey;
    private String base;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.kafka = kafka;
        this.pg = pg;
        db = StoreDatabase.open(storeConfig(), registry);
        tenant = db.apiKeys().createTenant("acme");
        key = db.apiKeys().issueKey(tenant).secret();
        otherKey = db.apiKeys().issueKey(db.apiKeys().createTenant("other")).secret();
        server = serve(db, registry, Clock.systemUTC());
        base = "http://127.0.0.1:" + server.port();
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
        var created =
                send("POST", "/v1/webhooks", key, "{\"url\":\"https://example.com/hook\",\"events\":[\"job.*\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = mapper.readTree(created.body());
        String id = body.get("id").asText();
        assertThat(body.get("secret").asText()).startsWith("whsec_");
        assertThat(body.get("status").asText()).isEqualTo("active");

        var shown = send("GET", "/v1/webhooks/" + id, key, null);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(shown.body()).has("secret")).isFalse();
        assertThat(mapper.readTree(send("GET", "/v1/webhooks", key, null).body())
                        .get("data"))
                .hasSize(1);
        assertThat(mapper.readTree(send("GET", "/v1/webhooks", otherKey, null).body())
                        .get("data"))
                .isEmpty();
        assertThat(send("GET", "/v1/webhooks/" + id, otherKey, null).statusCode())
                .isEqualTo(404);
        assertThat(send("DELETE", "/v1/webhooks/" + id, otherKey, null).statusCode())
                .isEqualTo(404);
        assertThat(send("POST", "/v1/webhooks/" + id + "/rotate-secret", otherKey, "")
                        .statusCode())
                .isEqualTo(404);

        var rotated = send("POST", "/v1/webhooks/" + id + "/rotate-secret", key, "{\"overlap_seconds\":60}");
        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(rotated.body()).get("secret").asText())
                .startsWith("whsec_")
                .isNotEqualTo(body.get("secret").asText());
        assertThat(send("DELETE", "/v1/webhooks/" + id, key, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/v1/webhooks/" + id, key, null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/v1/webhooks/job-secret/rotate", key, "").statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldDateSubscriptionsAndSecretExpiriesByTheServersClock() throws Exception {
        Instant t = Instant.parse("2031-05-06T07:08:09Z");
        Clock fixed = Clock.fixed(t, ZoneOffset.UTC);
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (StoreDatabase store = StoreDatabase.open(storeConfig(), metrics, fixed);
                IngressServer at = serve(store, metrics, fixed)) {
            String fixedBase = "http://127.0.0.1:" + at.port();
            JsonNode created = mapper.readTree(send(
                            fixedBase,
                            "POST",
                            "/v1/webhooks",
                            key,
                            "{\"url\":\"https://example.com/hook\",\"events\":[\"job.*\"]}")
                    .body());
            assertThat(Instant.parse(created.get("created_at").asText()))
                    .as("the store's clock")
                    .isEqualTo(t);

            String path = "/v1/webhooks/" + created.get("id").asText() + "/rotate-secret";
            JsonNode rotated = mapper.readTree(send(fixedBase, "POST", path, key, "{\"overlap_seconds\":90}")
                    .body());
            assertThat(Instant.parse(rotated.get("previous_secrets_expire_at").asText()))
                    .as("the handler's clock plus the overlap")
                    .isEqualTo(t.plusSeconds(90));
            JsonNode job = mapper.readTree(
                    send(fixedBase, "POST", "/v1/webhooks/job-secret/rotate", key, "{\"overlap_seconds\":30}")
                            .body());
            assertThat(Instant.parse(job.get("previous_secrets_expire_at").asText()))
                    .isEqualTo(t.plusSeconds(30));
        }
    }

    @Test
    void shouldNameTheFieldOrParameterThatIsWrong() throws Exception {
        assertPointer(
                send("POST", "/v1/webhooks", key, "{\"url\":\"ftp://x\",\"events\":[\"job.*\"]}"), "pointer", "/url");
        assertPointer(
                send("POST", "/v1/webhooks", key, "{\"url\":\"https://x.io\",\"events\":[\"job.*\",\"job.done\"]}"),
                "pointer",
                "/events/1");
        assertPointer(send("POST", "/v1/webhooks", key, "{\"url\":\"https://x.io\"}"), "pointer", "/events");
        String id = mapper.readTree(
                        send("POST", "/v1/webhooks", key, "{\"url\":\"https://x.io\",\"events\":[\"job.*\"]}")
                                .body())
                .get("id")
                .asText();
        assertPointer(
                send("POST", "/v1/webhooks/" + id + "/rotate-secret", key, "{\"overlap_seconds\":-1}"),
                "pointer",
                "/overlap_seconds");
        assertPointer(send("GET", "/v1/webhooks/" + id + "/deliveries?limit=0", key, null), "parameter", "limit");
        assertPointer(send("GET", "/v1/webhook-deliveries", key, null), "parameter", "job_id");
        assertThat(send("POST", "/v1/webhooks", null, "{}").statusCode()).isEqualTo(401);
        String job = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"x\"},"
                + "\"webhook\":{\"url\":\"https://x.io\",\"events\":[\"job.succeeded\",\"job.nope\"]}}";
        assertPointer(send("POST", "/v1/jobs", key, job), "pointer", "/webhook/events/1");
    }

    @Test
    void shouldLogDeliveriesAndRetryAnExhaustedOneForItsTenantOnly() throws Exception {
        // Allow-listed when registered but not by the dispatcher, which checks again on connect: the one
        // attempt is refused and the delivery is exhausted.
        String id = mapper.readTree(send(
                                "POST",
                                "/v1/webhooks",
                                key,
                                "{\"url\":\"http://" + ALLOWED + ":9/x\",\"events\":[\"job.failed\"]}")
                        .body())
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
                            () -> mapper.readTree(send("GET", "/v1/webhooks/" + id + "/deliveries", key, null)
                                            .body())
                                    .get("data"),
                            d -> d.size() == 1
                                    && d.get(0).get("status").asText().equals("exhausted"));
            JsonNode delivery = log.get(0);
            assertThat(delivery.get("event_type").asText()).isEqualTo("job.failed");
            assertThat(delivery.get("attempt_log").get(0).get("outcome").asText())
                    .isEqualTo("exhausted");
            assertThat(delivery.get("last_error").asText()).startsWith("refused");
            String deliveryId = delivery.get("id").asText();

            var forJob = mapper.readTree(send("GET", "/v1/webhook-deliveries?job_id=job-w", key, null)
                    .body());
            assertThat(forJob.get("data").get(0).get("id").asText()).isEqualTo(deliveryId);
            assertThat(mapper.readTree(send("GET", "/v1/webhook-deliveries?job_id=job-w", otherKey, null)
                                    .body())
                            .get("data"))
                    .isEmpty();
            assertThat(send("GET", "/v1/webhooks/" + id + "/deliveries", otherKey, null)
                            .statusCode())
                    .isEqualTo(404);
            assertThat(send("POST", "/v1/webhook-deliveries/" + deliveryId + "/retry", otherKey, "")
                            .statusCode())
                    .isEqualTo(404);

            var retried = send("POST", "/v1/webhook-deliveries/" + deliveryId + "/retry", key, "");
            assertThat(retried.statusCode()).isEqualTo(202);
            await().atMost(WAIT)
                    .until(() -> mapper.readTree(send("GET", "/v1/webhook-deliveries?job_id=job-w", key, null)
                                            .body())
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
            var refused = send("POST", "/v1/webhooks", key, "{\"url\":\"" + url + "\",\"events\":[\"job.*\"]}");
            assertPointer(refused, "pointer", "/url");
            assertThat(mapper.readTree(refused.body()).get("detail").asText())
                    .as(url)
                    .contains("internal address");
        }
        assertThat(mapper.readTree(send("GET", "/v1/webhooks", key, null).body())
                        .get("data"))
                .isEmpty();
        String job = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"x\"},\"webhook\":{\"url\":\"%s\"}}";
        assertPointer(
                send("POST", "/v1/jobs", key, job.formatted("http://localhost:9/hook")), "pointer", "/webhook/url");

        String allowed = "http://" + ALLOWED + ":9/hook";
        assertThat(send("POST", "/v1/webhooks", key, "{\"url\":\"" + allowed + "\",\"events\":[\"job.*\"]}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(send("POST", "/v1/jobs", key, job.formatted(allowed)).statusCode())
                .isEqualTo(202);
        // A name that does not resolve now is accepted; the dispatcher checks it again on connect.
        assertThat(send(
                                "POST",
                                "/v1/webhooks",
                                key,
                                "{\"url\":\"https://hooks.example.invalid/x\",\"events\":[\"job.*\"]}")
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

    private void assertPointer(HttpResponse<String> response, String kind, String where) throws IOException {
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(mapper.readTree(response.body())
                        .get("errors")
                        .get(0)
                        .get(kind)
                        .asText())
                .isEqualTo(where);
    }

    private HttpResponse<String> send(String method, String path, String bearer, String body)
            throws IOException, InterruptedException {
        return send(base, method, path, bearer, body);
    }

    private HttpResponse<String> send(String to, String method, String path, String bearer, String body)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(to + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
