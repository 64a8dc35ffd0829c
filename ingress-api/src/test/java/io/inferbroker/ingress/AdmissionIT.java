package io.inferbroker.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerLoad;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Admission over real HTTP: per-tenant rate limits, their admin override, and per-model queue limits. */
@ExtendWith(InfraExtension.class)
class AdmissionIT {
    private static final String ADMIN = "test-admin-key";
    private static final String ECHO = "sim-echo";
    private static final List<ModelInfo> MODELS = List.of(
            new ModelInfo(ECHO, "inferbroker", JobKind.CHAT, true, "simulator"),
            new ModelInfo("sim-embed", "inferbroker", JobKind.EMBEDDING, true, "simulator"));
    /** Two requests a minute by default, and at most 3 jobs queued for sim-echo. */
    private static final AdmissionConfig LIMITS = AdmissionConfig.of(2, 0, Map.of(ECHO, 3));

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KafkaInfra kafka;
    private StoreDatabase db;
    private KafkaProducer<String, JobRequested> producer;
    private KafkaProducer<String, ControlCommand> control;
    private IngressServer server;
    private String base;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.kafka = kafka;
        db = StoreDatabase.open(new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 4, pg.schema()), registry);
        producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED);
        control = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.CONTROL_COMMAND);
        IngressConfig config =
                new IngressConfig("127.0.0.1", 0, 64 * 1024, Duration.ofSeconds(5), "", kafka.topics(), MODELS);
        IngressPorts ports = new IngressPorts(
                producer,
                control,
                kafka.clientProps(),
                db.jobs(),
                db.apiKeys(),
                ADMIN,
                db.tenantLimits(),
                LIMITS,
                db.idempotency(),
                db.webhooks());
        server = IngressServer.startApi(config, ports, List.of(), registry, Clock.systemUTC());
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        producer.close();
        control.close();
        db.close();
    }

    @Test
    void shouldRefuseATenantOverItsLimitWith429AndRateLimitHeadersWhileAnotherIsServed() throws Exception {
        String a = key("acme");
        String b = key("globex");

        var first = submit(a, ECHO);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("RateLimit-Policy")).contains("\"rpm\";q=2;w=60");
        assertThat(first.headers().firstValue("RateLimit"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("\"rpm\";r=1;t="));
        assertThat(submit(a, ECHO).statusCode()).isEqualTo(202);

        var refused = submit(a, ECHO);

        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode problem = assertProblem(refused, "rate-limited");
        assertThat(problem.get("detail").asText()).contains("2 requests per minute");
        assertThat(problem.get("limit").asText()).isEqualTo("requests_per_minute");
        assertThat(refused.headers().firstValue("Retry-After")).contains("30");
        assertThat(refused.headers().firstValue("RateLimit")).contains("\"rpm\";r=0;t=30");
        assertThat(refused.headers().firstValue("RateLimit-Policy")).contains("\"rpm\";q=2;w=60");
        assertThat(submit(b, ECHO).statusCode()).isEqualTo(202);
        assertThat(registry.get("broker.ingress.admissions")
                        .tags("outcome", "rejected", "reason", "requests")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldApplyATenantsOwnLimitSetThroughTheAdminApiAtOnce() throws Exception {
        String tenant = db.apiKeys().createTenant("acme");
        String key = db.apiKeys().issueKey(tenant).secret();
        submit(key, ECHO);
        submit(key, ECHO);
        assertThat(submit(key, ECHO).statusCode()).isEqualTo(429);

        var raised = put("/admin/tenants/" + tenant + "/limits", ADMIN, "{\"requests_per_minute\":100}");

        assertThat(raised.statusCode()).isEqualTo(200);
        JsonNode limits = mapper.readTree(raised.body());
        assertThat(limits.get("requests_per_minute").asInt()).isEqualTo(100);
        assertThat(limits.get("tokens_per_minute").isNull()).isTrue();
        assertThat(limits.at("/effective/requests_per_minute").asInt()).isEqualTo(100);
        var admitted = submit(key, ECHO);
        assertThat(admitted.statusCode()).isEqualTo(202);
        assertThat(admitted.headers().firstValue("RateLimit-Policy")).contains("\"rpm\";q=100;w=60");

        var reset = put("/admin/tenants/" + tenant + "/limits", ADMIN, "{\"requests_per_minute\":null}");
        assertThat(mapper.readTree(reset.body())
                        .at("/effective/requests_per_minute")
                        .asInt())
                .isEqualTo(2);
        var shown = get("/admin/tenants/" + tenant + "/limits", ADMIN);
        assertThat(mapper.readTree(shown.body()).get("requests_per_minute").isNull())
                .isTrue();
    }

    @Test
    void shouldRefuseInvalidLimitsAndUnknownTenantsAndNonAdmins() throws Exception {
        String tenant = db.apiKeys().createTenant("acme");
        String path = "/admin/tenants/" + tenant + "/limits";

        var invalid = put(path, ADMIN, "{\"requests_per_minute\":-1,\"tokens_per_minute\":\"many\",\"burst\":3}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(assertProblem(invalid, "validation").get("errors"))
                .extracting(e -> e.get("pointer").asText())
                .containsExactlyInAnyOrder("/requests_per_minute", "/tokens_per_minute", "/burst");
        assertThat(put("/admin/tenants/ten_nobody/limits", ADMIN, "{}").statusCode())
                .isEqualTo(404);
        assertThat(put(path, key("other"), "{}").statusCode()).isEqualTo(401);
        assertThat(put(path, ADMIN, "[1]").statusCode()).isEqualTo(422);
    }

    @Test
    void shouldShedWith503WhileTheModelsQueueIsAtItsLimit() throws Exception {
        String key = unlimitedKey("acme");
        Instant now = Instant.now();
        try (var statuses =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.QUEUE_STATUS)) {
            // 4 queued, the oldest for 8 s: two jobs above the limit drain in about 4 s.
            publish(statuses, new QueueStatus(QueueStatus.VERSION, ECHO, 4, now.minusSeconds(8), now));

            var shed =
                    await().atMost(Duration.ofSeconds(20)).until(() -> submit(key, ECHO), r -> r.statusCode() == 503);

            JsonNode problem = assertProblem(shed, "queue-full");
            assertThat(problem.get("detail").asText()).contains("'sim-echo'", "4 jobs queued", "limit of 3");
            assertThat(problem.get("queued").asInt()).isEqualTo(4);
            assertThat(shed.headers().firstValue("Retry-After")).contains("4");
            assertThat(submit(key, "sim-embed").statusCode()).isEqualTo(202);

            publish(statuses, new QueueStatus(QueueStatus.VERSION, ECHO, 2, now, Instant.now()));
            await().atMost(Duration.ofSeconds(20)).until(() -> submit(key, ECHO).statusCode() == 202);
        }
    }

    @Test
    void shouldCountJobsOnTheirWayToTheQueueUntilTheDispatcherHasReadThem() throws Exception {
        String key = unlimitedKey("burst");
        Instant before = Instant.now();
        try (var statuses =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.QUEUE_STATUS)) {
            publish(statuses, new QueueStatus(QueueStatus.VERSION, ECHO, 3, before, Instant.now(), null, before));
            await().atMost(Duration.ofSeconds(20)).until(() -> submit(key, ECHO).statusCode() == 503);

            // An empty queue, and the dispatcher has read nothing accepted from now on: the limit of 3
            // admits three jobs, which are on their way, and sheds the fourth.
            publish(statuses, new QueueStatus(QueueStatus.VERSION, ECHO, 0, null, Instant.now(), null, before));
            await().atMost(Duration.ofSeconds(20)).until(() -> submit(key, ECHO).statusCode() == 202);
            assertThat(submit(key, ECHO).statusCode()).isEqualTo(202);
            assertThat(submit(key, ECHO).statusCode()).isEqualTo(202);
            HttpResponse<String> shed = submit(key, ECHO);
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(assertProblem(shed, "queue-full").get("queued").asInt()).isEqualTo(3);
            assertThat(shed.headers().firstValue("Retry-After")).isPresent();

            // The dispatcher has read them and dispatched one: two queued, none on its way.
            Instant read = Instant.now();
            publish(statuses, new QueueStatus(QueueStatus.VERSION, ECHO, 2, before, read, null, read));
            await().atMost(Duration.ofSeconds(20)).until(() -> submit(key, ECHO).statusCode() == 202);
            assertThat(submit(key, ECHO).statusCode()).isEqualTo(503);
        }
    }

    @Test
    void shouldShowTheAdminLiveQueuesAndWorkersWithWhatTheDispatcherCounts() throws Exception {
        Instant now = Instant.now();
        try (var statuses =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.QUEUE_STATUS);
                var workers =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.WORKER_STATUS)) {
            publish(
                    statuses,
                    new QueueStatus(
                            QueueStatus.VERSION,
                            ECHO,
                            7,
                            now.minusSeconds(1),
                            now,
                            List.of(new WorkerLoad("gpu-1", 3, "closed"), new WorkerLoad("gpu-2", 0, "open"))));
            WorkerStatus gpu = new WorkerStatus(
                    WorkerStatus.VERSION,
                    "gpu-1",
                    "sim",
                    List.of(ECHO),
                    WorkerState.ACTIVE,
                    16,
                    2,
                    true,
                    120.0,
                    45.0,
                    Price.free("USD"),
                    "1.0",
                    now);
            workers.send(new ProducerRecord<>(kafka.topics().workers(), "gpu-1", gpu))
                    .get();

            JsonNode queues = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> mapper.readTree(get("/admin/queues", ADMIN).body()),
                            b -> b.get("queues").size() == 1);
            JsonNode q = queues.get("queues").get(0);
            assertThat(q.get("model").asText()).isEqualTo(ECHO);
            assertThat(q.get("queued").asInt()).isEqualTo(7);
            assertThat(q.get("stale").asBoolean()).isFalse();
            assertThat(q.get("workers"))
                    .extracting(w -> w.get("breaker").asText())
                    .containsExactly("closed", "open");

            JsonNode listed = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> mapper.readTree(get("/admin/workers", ADMIN).body()),
                            b -> b.get("workers").size() == 1);
            JsonNode w = listed.get("workers").get(0);
            assertThat(w.get("worker_id").asText()).isEqualTo("gpu-1");
            assertThat(w.get("capacity").asInt()).isEqualTo(16);
            assertThat(w.get("in_flight").asInt()).isEqualTo(2);
            assertThat(w.get("dispatcher").get("outstanding").asInt()).isEqualTo(3);
            assertThat(w.get("dispatcher").get("breaker").asText()).isEqualTo("closed");
        }
        assertThat(get("/admin/workers", "not-the-admin-key").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/admin/queues", null, null).statusCode()).isEqualTo(401);
    }

    private void publish(KafkaProducer<String, QueueStatus> producer, QueueStatus status) throws Exception {
        producer.send(new ProducerRecord<>(kafka.topics().queues(), status.model(), status))
                .get();
    }

    /** A key of a new tenant with the default limits. */
    private String key(String name) {
        return db.apiKeys().issueKey(db.apiKeys().createTenant(name)).secret();
    }

    /** A key of a new tenant without a rate limit of its own (0 = unlimited). */
    private String unlimitedKey(String name) {
        String tenant = db.apiKeys().createTenant(name);
        db.tenantLimits().setRateLimits(tenant, 0, 0);
        return db.apiKeys().issueKey(tenant).secret();
    }

    private HttpResponse<String> submit(String key, String model) throws IOException, InterruptedException {
        String input = model.equals(ECHO)
                ? "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4}"
                : "{\"input\":\"hi\"}";
        return send("POST", "/v1/jobs", key, "{\"model\":\"" + model + "\",\"input\":" + input + "}");
    }

    private HttpResponse<String> put(String path, @Nullable String bearer, String body)
            throws IOException, InterruptedException {
        return send("PUT", path, bearer, body);
    }

    private HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        return send("GET", path, bearer, null);
    }

    private HttpResponse<String> send(String method, String path, @Nullable String bearer, @Nullable String body)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode assertProblem(HttpResponse<String> response, String slug) throws IOException {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = mapper.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("/problems/" + slug);
        assertThat(problem.get("status").asInt()).isEqualTo(response.statusCode());
        return problem;
    }
}
