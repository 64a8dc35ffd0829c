package io.inferbroker.ingress;

import static io.inferbroker.testkit.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.ingress.internal.Authenticator;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.MutableClock;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class IngressApiIT {
    private static final String ADMIN = "test-admin-key";
    private static final List<ModelInfo> MODELS = List.of(
            new ModelInfo("sim-echo", "inferbroker", JobKind.CHAT, true, "simulator"),
            new ModelInfo("sim-embed", "inferbroker", JobKind.EMBEDDING, true, "simulator"));

    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicBoolean kafkaReady = new AtomicBoolean(true);
    private KafkaInfra kafka;
    private StoreDatabase db;
    private KafkaProducer<String, JobRequested> producer;
    private KafkaProducer<String, ControlCommand> control;
    private IngressServer server;
    private String key;
    private String base;
    private HttpTestClient api;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.kafka = kafka;
        db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 4, pg.schema()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        String tenant = db.apiKeys().createTenant("acme");
        key = db.apiKeys().issueKey(tenant).secret();
        producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED);
        control = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.CONTROL_COMMAND);
        server = startServer(producer, 64 * 1024, Clock.systemUTC());
        base = "http://127.0.0.1:" + server.port();
        api = HttpTestClient.of(base);
    }

    private IngressServer startServer(KafkaProducer<String, JobRequested> p, long maxBody, Clock clock) {
        IngressConfig config =
                new IngressConfig("127.0.0.1", 0, maxBody, Duration.ofSeconds(2), "", kafka.topics(), MODELS);
        return IngressServer.startApi(
                config,
                IngressPorts.of(p, control, kafka.clientProps(), db, ADMIN),
                List.of(new ReadinessCheck("kafka", kafkaReady::get)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                clock);
    }

    @AfterEach
    void stop() {
        server.close();
        producer.close();
        control.close();
        db.close();
    }

    @Test
    void shouldAcceptJobOnlyAfterKafkaAcknowledgedIt() throws Exception {
        var response = api.post("/v1/jobs", key, chat("hello there"));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode job = response.json();
        String id = job.get("id").asText();
        assertThat(job.get("status").asText()).isEqualTo("queued");
        assertThat(job.get("model").asText()).isEqualTo("sim-echo");
        assertThat(job.get("urls").get("get").asText()).isEqualTo(base + "/v1/jobs/" + id);
        assertThat(response.headers().firstValue("Location")).contains(base + "/v1/jobs/" + id);
        try (var probe = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED)) {
            var records = probe.awaitCount(1, Duration.ofSeconds(20));
            assertThat(records.getFirst().key()).isEqualTo(id);
            JobRequested sent = records.getFirst().value();
            assertThat(sent.kind()).isEqualTo(JobKind.CHAT);
            assertThat(sent.input().get("messages").get(0).get("content").asText())
                    .isEqualTo("hello there");
            assertThat(sent.priority()).isEqualTo(5);
        }
    }

    @Test
    void shouldShowJustAcceptedJobToItsTenantOnly() throws Exception {
        String id = api.post("/v1/jobs", key, chat("x")).json().get("id").asText();

        var own = api.get("/v1/jobs/" + id, key);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.json().get("status").asText()).isEqualTo("queued");

        String other = db.apiKeys().issueKey(db.apiKeys().createTenant("other")).secret();
        var foreign = api.get("/v1/jobs/" + id, other);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertProblem(foreign, "not-found");
    }

    @Test
    void shouldAnswer401WithoutValidKey() throws Exception {
        var missing = api.post("/v1/jobs", null, chat("x"));
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertProblem(missing, "unauthorized");

        var wrong = api.post("/v1/jobs", "ib_not-a-key", chat("x"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.json().get("title").asText()).isEqualTo("Invalid API key");
    }

    @Test
    void shouldPointAtTheSyntaxErrorInInvalidJson() throws Exception {
        var response = api.post("/v1/jobs", key, "{\"model\": \"sim-echo\",\n \"input\": {oops}}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = assertProblem(response, "invalid-json");
        assertThat(problem.get("detail").asText()).contains("line 2");
    }

    @Test
    void shouldListAvailableModelsForUnknownModel() throws Exception {
        var response = api.post("/v1/jobs", key, "{\"model\":\"gpt-9\",\"input\":{\"prompt\":\"x\"}}");
        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode problem = assertProblem(response, "unknown-model");
        assertThat(problem.get("detail").asText()).contains("gpt-9").contains("sim-echo");
        assertThat(problem.get("available_models")).hasSize(2);
        assertThat(problem.get("errors").get(0).get("pointer").asText()).isEqualTo("/model");
    }

    @Test
    void shouldReportEveryInvalidFieldWithItsPointer() throws Exception {
        String body = "{\"model\":\"sim-echo\",\"input\":{\"messages\":[{\"content\":\"hi\"}],\"max_tokens\":0},"
                + "\"priority\":\"urgent\",\"ttl_seconds\":-4,\"metadata\":{\"k\":3},\"colour\":\"red\"}";
        var response = api.post("/v1/jobs", key, body);

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode problem = assertProblem(response, "validation");
        assertThat(problem.get("errors").findValuesAsText("pointer"))
                .containsExactlyInAnyOrder(
                        "/colour",
                        "/input/max_tokens",
                        "/input/messages/0/role",
                        "/priority",
                        "/ttl_seconds",
                        "/metadata/k");
    }

    @Test
    void shouldRefuseNonJsonMediaTypeAndOversizedBody() throws Exception {
        var text = api.send("POST", "/v1/jobs", key, chat("x"), "Content-Type", "text/plain");
        assertThat(text.statusCode()).isEqualTo(415);
        assertProblem(text, "unsupported-media-type");

        String huge = chat("x".repeat(70 * 1024));
        var big = api.post("/v1/jobs", key, huge);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaDoesNotAcknowledge() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "900");
        try (var dead = new KafkaProducer<>(p, new StringSerializer(), WireSerdes.JOB_REQUESTED);
                var broken = startServer(dead, 64 * 1024, Clock.systemUTC())) {
            var brokenApi = api.at("http://127.0.0.1:" + broken.port());
            var response = brokenApi.post("/v1/jobs", key, chat("x"));
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertProblem(response, "unavailable");

            var keyed = brokenApi.send("POST", "/v1/jobs", key, chat("x"), "Idempotency-Key", "k-failed");
            assertThat(keyed.statusCode()).isEqualTo(503);
            var retried = api.send("POST", "/v1/jobs", key, chat("x"), "Idempotency-Key", "k-failed");
            assertThat(retried.statusCode())
                    .as("a failed submit releases its key")
                    .isEqualTo(202);
            assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
        }
    }

    @Test
    void shouldListModelsInOpenAiShape() throws Exception {
        JsonNode list = api.get("/v1/models", key).json();
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data").findValuesAsText("id")).containsExactly("sim-echo", "sim-embed");
        assertThat(list.get("data").get(0).get("object").asText()).isEqualTo("model");
        assertThat(list.get("data").get(0).get("simulator").asBoolean()).isTrue();
    }

    @Test
    void shouldServeHealthAndMetricsAndProblemForUnknownRoutes() throws Exception {
        assertThat(api.get("/health/live", null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .alias("ready once the job feed reads every results partition")
                .until(() -> api.get("/health/ready", null).statusCode() == 200);
        kafkaReady.set(false);
        var notReady = api.get("/health/ready", null);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.json().get("checks").get("kafka").asText()).isEqualTo("down");

        api.post("/v1/jobs", key, chat("x"));
        assertThat(api.get("/metrics", null).body()).contains("broker_jobs_submitted_total");
        assertProblem(api.get("/v2/nothing", key), "not-found");
    }

    /**
     * An answer to a request with a body (a refusal, or a route that ignores bodies) comes only once
     * the body is read: answered earlier, Jetty cannot see the body's end and closes the connection
     * while the client still sends, which resets the client's socket, often before it reads the answer.
     */
    @Test
    void shouldReadADeclaredBodyBeforeRefusingTheRequestAndKeepTheConnection() throws Exception {
        String body = chat("refused");
        List<String[]> refusals = List.of(
                new String[] {"POST", "/v1/jobs", "", "401"},
                new String[] {"POST", "/v1/nowhere", "Authorization: Bearer " + key + "\r\n", "404"},
                new String[] {"GET", "/v1/models", "Authorization: Bearer " + key + "\r\n", "200"});
        for (String[] r : refusals) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
                var out = socket.getOutputStream();
                var in = new java.io.DataInputStream(socket.getInputStream());
                out.write((r[0] + " " + r[1] + " HTTP/1.1\r\nHost: x\r\n" + r[2]
                                + "Content-Type: application/json\r\nContent-Length: " + body.length()
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                socket.setSoTimeout(500);
                assertThat(firstByteOrNone(in))
                        .as("%s %s answered before its body came", r[0], r[1])
                        .isEmpty();

                socket.setSoTimeout(10_000);
                out.write(body.getBytes(StandardCharsets.UTF_8));
                out.flush();
                String head = readAnswer(in);
                assertThat(head).as(r[1]).startsWith("HTTP/1.1 " + r[3]);
                assertThat(head.toLowerCase(java.util.Locale.ROOT))
                        .as("the connection stays open")
                        .doesNotContain("connection: close");

                out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(readAnswer(in)).as("the next request on it").startsWith("HTTP/1.1 200");
            }
        }
    }

    /** The first byte of an answer, or empty when none came within the socket's timeout. */
    private static java.util.Optional<Integer> firstByteOrNone(java.io.DataInputStream in) throws IOException {
        try {
            return java.util.Optional.of(in.read());
        } catch (java.net.SocketTimeoutException e) {
            return java.util.Optional.empty();
        }
    }

    /** Reads one answer with a Content-Length or chunked body; returns its head. */
    private static String readAnswer(java.io.DataInputStream in) throws IOException {
        var head = new java.io.ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(in.readByte());
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        var length =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        if (length.find()) {
            in.readFully(new byte[Integer.parseInt(length.group(1))]);
        } else if (text.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            var tail = new StringBuilder();
            while (!tail.toString().endsWith("\r\n0\r\n\r\n")
                    && !tail.toString().equals("0\r\n\r\n")) {
                tail.append((char) in.readByte());
            }
        }
        return text;
    }

    @Test
    void shouldCreateTenantsWithAdminKeyOnly() throws Exception {
        assertThat(api.post("/admin/tenants", key, "{\"name\":\"beta\"}").statusCode())
                .isEqualTo(401);

        var created = api.post("/admin/tenants", ADMIN, "{\"name\":\"beta\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String secret = created.json().get("api_key").get("secret").asText();
        assertThat(api.post("/v1/jobs", secret, chat("from beta")).statusCode()).isEqualTo(202);

        assertProblem(api.post("/admin/tenants", ADMIN, "{}"), "validation");
    }

    @Test
    void shouldListOwnJobsNewestFirstInPages() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.post("/v1/jobs", key, chat("n" + i)).json().get("id").asText());
        }
        try (var sink = startSink()) {
            JsonNode first = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> api.get("/v1/jobs?limit=2", key).json(),
                            l -> l.get("data").size() == 2 && l.get("has_more").asBoolean());
            assertThat(first.get("object").asText()).isEqualTo("list");
            String cursor = first.get("next_cursor").asText();
            JsonNode second = api.get("/v1/jobs?limit=2&cursor=" + cursor, key).json();
            assertThat(second.get("has_more").asBoolean()).isFalse();
            assertThat(second.get("next_cursor").isNull()).isTrue();
            List<String> listed = new java.util.ArrayList<>(first.get("data").findValuesAsText("id"));
            listed.addAll(second.get("data").findValuesAsText("id"));
            assertThat(listed).containsExactly(ids.get(2), ids.get(1), ids.get(0));
            assertThat(api.get("/v1/jobs?status=queued&model=sim-echo", key)
                            .json()
                            .get("data"))
                    .hasSize(3);
            String other =
                    db.apiKeys().issueKey(db.apiKeys().createTenant("nosy")).secret();
            assertThat(api.get("/v1/jobs", other).json().get("data")).isEmpty();
        }
        var bad = api.get("/v1/jobs?status=sleeping&limit=0&cursor=zzz", key);
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(assertProblem(bad, "validation").get("errors").findValuesAsText("parameter"))
                .containsExactlyInAnyOrder("status", "limit", "cursor");
    }

    @Test
    void shouldSendCancelForUnfinishedJobsAndRefuseFinishedOnes() throws Exception {
        String id = api.post("/v1/jobs", key, chat("stop me")).json().get("id").asText();
        var canceled = api.post("/v1/jobs/" + id + "/cancel", key, "");
        assertThat(canceled.statusCode()).isEqualTo(202);
        assertThat(canceled.json().get("id").asText()).isEqualTo(id);
        try (var probe = kafka.probe(kafka.topics().control(), WireSerdes.CONTROL_COMMAND)) {
            var command = probe.awaitCount(1, Duration.ofSeconds(20)).getFirst();
            assertThat(command.key()).isEqualTo(id);
            assertThat(command.value().tenantId())
                    .isEqualTo(db.apiKeys().authenticate(key).orElseThrow().tenantId());
            assertThat(command.value().action()).isEqualTo(io.inferbroker.schemas.ControlAction.CANCEL);
        }
        assertProblem(api.post("/v1/jobs/nope/cancel", key, ""), "not-found");
        String other =
                db.apiKeys().issueKey(db.apiKeys().createTenant("stranger")).secret();
        assertThat(api.post("/v1/jobs/" + id + "/cancel", other, "").statusCode())
                .isEqualTo(404);

        try (var sink = startSink();
                var results =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_RESULT)) {
            String tenant = db.apiKeys().authenticate(key).orElseThrow().tenantId();
            Instant now = Instant.now();
            results.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            kafka.topics().results(),
                            id,
                            new io.inferbroker.schemas.JobResult(
                                    1,
                                    id,
                                    tenant,
                                    "sim-echo",
                                    io.inferbroker.schemas.JobStatus.SUCCEEDED,
                                    null,
                                    null,
                                    null,
                                    null,
                                    "w",
                                    1,
                                    new io.inferbroker.schemas.Timings(now, now, now, now, now))))
                    .get();
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> api.get("/v1/jobs/" + id, key)
                                    .json()
                                    .get("status")
                                    .asText(),
                            "succeeded"::equals);
            var finished = api.post("/v1/jobs/" + id + "/cancel", key, "");
            assertThat(finished.statusCode()).isEqualTo(409);
            assertThat(assertProblem(finished, "job-finished").get("detail").asText())
                    .contains("succeeded");
        }
    }

    private io.inferbroker.store.ResultSink startSink() {
        var sink = new io.inferbroker.store.ResultSink(
                db,
                kafka.topics(),
                kafka.clientProps(),
                kafka.topics().prefix() + "sink",
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC());
        sink.start();
        return sink;
    }

    @Test
    void shouldReturnTheSameJobForARepeatedIdempotencyKeyEvenConcurrently() throws Exception {
        String body = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"once\",\"max_tokens\":2}}";
        String reordered = "{ \"input\": {\"max_tokens\": 2, \"prompt\": \"once\"}, \"model\": \"sim-echo\" }";
        var first = api.send("POST", "/v1/jobs", key, body, "Idempotency-Key", "k-1");
        assertThat(first.statusCode()).isEqualTo(202);
        String id = first.json().get("id").asText();

        var again = api.send("POST", "/v1/jobs", key, reordered, "Idempotency-Key", "k-1");
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.json().get("id").asText()).isEqualTo(id);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");

        var executor = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Answer>> racing = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racing.add(executor.submit(() -> api.send("POST", "/v1/jobs", key, body, "Idempotency-Key", "k-race")));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var f : racing) {
                assertThat(f.get().statusCode()).isEqualTo(202);
                ids.add(f.get().json().get("id").asText());
            }
            assertThat(ids).hasSize(1);
        } finally {
            executor.shutdownNow();
        }
        try (var probe = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED)) {
            var records = probe.awaitCount(2, Duration.ofSeconds(20));
            assertThat(records).extracting(r -> r.value().idempotencyKey()).containsExactlyInAnyOrder("k-1", "k-race");
        }
    }

    @Test
    void shouldRefuseAReusedIdempotencyKeyWithAnotherBodyAndBadKeys() throws Exception {
        assertThat(api.send("POST", "/v1/jobs", key, chat("one"), "Idempotency-Key", "k-2")
                        .statusCode())
                .isEqualTo(202);
        var reused = api.send("POST", "/v1/jobs", key, chat("two"), "Idempotency-Key", "k-2");
        assertThat(reused.statusCode()).isEqualTo(409);
        assertThat(assertProblem(reused, "idempotency-key-reused").get("detail").asText())
                .contains("k-2");

        assertProblem(
                api.send("POST", "/v1/jobs", key, chat("three"), "Idempotency-Key", "x".repeat(256)),
                "invalid-idempotency-key");
    }

    /** On a server whose clock the test moves: the cache time passes at once instead of in real time. */
    @Test
    void shouldStopAcceptingARevokedKeyWithinTheCacheTime() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (var timed = startServer(producer, 64 * 1024, clock)) {
            var timedApi = api.at("http://127.0.0.1:" + timed.port());
            var issued = db.apiKeys().issueKey(db.apiKeys().createTenant("revoked"));
            assertThat(timedApi.get("/v1/models", issued.secret()).statusCode()).isEqualTo(200);

            assertThat(db.apiKeys().revokeKey(issued.keyId())).isTrue();
            clock.advance(Authenticator.CACHE_TTL);

            assertThat(timedApi.get("/v1/models", issued.secret()).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void shouldDescribeExactlyTheRoutesItServes() throws Exception {
        var response = api.get("/openapi.json", null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode spec = response.json();
        assertThat(spec.get("openapi").asText()).isEqualTo("3.1.0");
        List<String> described = new java.util.ArrayList<>();
        spec.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (List.of("get", "post", "put", "delete", "patch").contains(op.getKey())) {
                        described.add(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                    }
                }));
        assertThat(described).containsExactlyInAnyOrderElementsOf(server.routes());
    }

    @Test
    void shouldServeReadableDocsWithTheirScriptsOffline() throws Exception {
        var page = api.get("/docs", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/openapi.json");
        String script = page.body().replaceAll("(?s).*<script src=\"([^\"]+)\".*", "$1");
        assertThat(script).startsWith("/webjars/swagger-ui/");
        var bundle = api.get(script, null);
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.body()).contains("SwaggerUIBundle");
    }

    @Test
    void shouldManageTenantKeysThroughTheAdminApi() throws Exception {
        var created = api.post("/admin/tenants", ADMIN, "{\"name\":\"gamma\"}").json();
        String tenant = created.get("id").asText();
        String firstKey = created.get("api_key").get("id").asText();
        String firstSecret = created.get("api_key").get("secret").asText();
        assertThat(api.get("/admin/tenants", ADMIN).json().get("data").findValuesAsText("id"))
                .contains(tenant);

        var issued = api.post("/admin/tenants/" + tenant + "/keys", ADMIN, "");
        assertThat(issued.statusCode()).isEqualTo(201);
        String secondSecret = issued.json().get("secret").asText();
        assertThat(api.get("/v1/models", secondSecret).statusCode()).isEqualTo(200);

        JsonNode detail = api.get("/admin/tenants/" + tenant, ADMIN).json();
        assertThat(detail.get("keys")).hasSize(2);
        assertThat(detail.toString()).doesNotContain(firstSecret).doesNotContain(secondSecret);

        var rotated = api.post("/admin/keys/" + firstKey + "/rotate", ADMIN, "{\"grace_seconds\":60}")
                .json();
        assertThat(rotated.get("old_key").get("active").asBoolean())
                .as("still in its grace period")
                .isTrue();
        assertThat(api.get("/v1/models", firstSecret).statusCode()).isEqualTo(200);
        String rotatedSecret = rotated.get("new_key").get("secret").asText();
        assertThat(api.get("/v1/models", rotatedSecret).statusCode()).isEqualTo(200);

        var revoked = api.post("/admin/keys/" + firstKey + "/revoke", ADMIN, "");
        assertThat(revoked.json().get("active").asBoolean()).isFalse();
        assertThat(api.get("/v1/models", firstSecret).statusCode())
                .as("revoked on this instance at once")
                .isEqualTo(401);

        assertProblem(api.get("/admin/tenants/ten_nope", ADMIN), "not-found");
        assertProblem(api.post("/admin/keys/key_nope/revoke", ADMIN, ""), "not-found");
        assertProblem(api.post("/admin/keys/" + firstKey + "/rotate", ADMIN, "{\"grace_seconds\":-1}"), "validation");
        assertThat(api.get("/admin/tenants", key).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldHoldASubmitWithPreferWaitUntilTheJobFinishes() throws Exception {
        var pending = api.sendAsync("POST", "/v1/jobs", key, chat("wait for me"), "Prefer", "wait=20");
        String id;
        try (var probe = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED)) {
            id = probe.awaitCount(1, Duration.ofSeconds(20)).getFirst().key();
        }
        awaitWaiters(1);
        finish(id, "waited");

        var response = pending.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Preference-Applied")).contains("wait=20");
        JsonNode job = response.json();
        assertThat(job.get("id").asText()).isEqualTo(id);
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.get("output").get("text").asText()).isEqualTo("waited");
        assertThat(job.get("completed_at").isTextual()).isTrue();
    }

    @Test
    void shouldAnswer202WhenTheWaitRunsOut() throws Exception {
        var response = api.send("POST", "/v1/jobs", key, chat("nobody answers"), "Prefer", "respond-async, wait=1");
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Preference-Applied")).contains("wait=1");
        assertThat(response.json().get("status").asText()).isEqualTo("queued");
    }

    @Test
    void shouldLongPollAJobUntilItFinishes() throws Exception {
        String id = api.post("/v1/jobs", key, chat("poll me")).json().get("id").asText();
        var pending = api.sendAsync("GET", "/v1/jobs/" + id + "?wait=20", key, null);
        awaitWaiters(1);
        finish(id, "polled");

        var response = pending.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(response.json().get("output").get("text").asText()).isEqualTo("polled");

        var bad = api.get("/v1/jobs/" + id + "?wait=forever", key);
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(assertProblem(bad, "validation").get("errors").findValuesAsText("parameter"))
                .containsExactly("wait");
    }

    private void awaitWaiters(int count) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/metrics", null)
                        .body()
                        .lines()
                        .filter(l -> l.startsWith("broker_ingress_feed_subscribers "))
                        .anyMatch(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)) >= count));
    }

    private void finish(String id, String text) throws Exception {
        try (var results = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_RESULT)) {
            String tenant = db.apiKeys().authenticate(key).orElseThrow().tenantId();
            Instant now = Instant.now();
            results.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            kafka.topics().results(),
                            id,
                            new io.inferbroker.schemas.JobResult(
                                    1,
                                    id,
                                    tenant,
                                    "sim-echo",
                                    io.inferbroker.schemas.JobStatus.SUCCEEDED,
                                    mapper.createObjectNode().put("text", text).put("finish_reason", "stop"),
                                    null,
                                    new io.inferbroker.schemas.Usage(2, 1),
                                    null,
                                    "w",
                                    1,
                                    new io.inferbroker.schemas.Timings(now, now, now, now, now))))
                    .get();
        }
    }

    private static String chat(String content) {
        return "{\"model\":\"sim-echo\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}],\"max_tokens\":4}}";
    }
}
