package io.inferbroker.ingress;

import static io.inferbroker.testkit.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerLoad;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.TopicProbe;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Admission over real HTTP: per-tenant rate limits, their admin override, and per-model queue limits,
 * on {@code POST /v1/jobs} and on the OpenAI-compatible routes.
 */
@ExtendWith(InfraExtension.class)
class AdmissionIT {
    private static final String ADMIN = "test-admin-key";
    private static final String ECHO = "sim-echo";
    private static final List<ModelInfo> MODELS = List.of(
            new ModelInfo(ECHO, "inferbroker", JobKind.CHAT, true, "simulator"),
            new ModelInfo("sim-embed", "inferbroker", JobKind.EMBEDDING, true, "simulator"));
    /** Two requests a minute by default, and at most 3 jobs queued for sim-echo. */
    private static final AdmissionConfig LIMITS = AdmissionConfig.of(2, 0, Map.of(ECHO, 3));

    private static final String CHAT_PATH = "/v1/chat/completions";
    private static final String COMPLETIONS_PATH = "/v1/completions";
    private static final String EMBEDDINGS_PATH = "/v1/embeddings";
    private static final String COMPLETION_STREAM =
            "{\"model\":\"sim-echo\",\"prompt\":\"hi\",\"max_tokens\":4,\"stream\":true}";
    private static final String EMBEDDING = "{\"model\":\"sim-embed\",\"input\":\"hi\"}";

    private final ObjectMapper mapper = new ObjectMapper();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Jobs of OpenAI-compatible requests already answered by {@link #answered}. */
    private final Set<String> answeredJobs = new HashSet<>();

    private KafkaInfra kafka;
    private StoreDatabase db;
    private KafkaProducer<String, JobRequested> producer;
    private KafkaProducer<String, ControlCommand> control;
    private IngressServer server;
    private HttpTestClient api;

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
        api = HttpTestClient.of("http://127.0.0.1:" + server.port());
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

        var raised = api.put("/admin/tenants/" + tenant + "/limits", ADMIN, "{\"requests_per_minute\":100}");

        assertThat(raised.statusCode()).isEqualTo(200);
        JsonNode limits = raised.json();
        assertThat(limits.get("requests_per_minute").asInt()).isEqualTo(100);
        assertThat(limits.get("tokens_per_minute").isNull()).isTrue();
        assertThat(limits.at("/effective/requests_per_minute").asInt()).isEqualTo(100);
        var admitted = submit(key, ECHO);
        assertThat(admitted.statusCode()).isEqualTo(202);
        assertThat(admitted.headers().firstValue("RateLimit-Policy")).contains("\"rpm\";q=100;w=60");

        var reset = api.put("/admin/tenants/" + tenant + "/limits", ADMIN, "{\"requests_per_minute\":null}");
        assertThat(reset.json().at("/effective/requests_per_minute").asInt()).isEqualTo(2);
        var shown = api.get("/admin/tenants/" + tenant + "/limits", ADMIN);
        assertThat(shown.json().get("requests_per_minute").isNull()).isTrue();
    }

    @Test
    void shouldRefuseInvalidLimitsAndUnknownTenantsAndNonAdmins() throws Exception {
        String tenant = db.apiKeys().createTenant("acme");
        String path = "/admin/tenants/" + tenant + "/limits";

        var invalid = api.put(path, ADMIN, "{\"requests_per_minute\":-1,\"tokens_per_minute\":\"many\",\"burst\":3}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(assertProblem(invalid, "validation").get("errors"))
                .extracting(e -> e.get("pointer").asText())
                .containsExactlyInAnyOrder("/requests_per_minute", "/tokens_per_minute", "/burst");
        assertThat(api.put("/admin/tenants/ten_nobody/limits", ADMIN, "{}").statusCode())
                .isEqualTo(404);
        assertThat(api.put(path, key("other"), "{}").statusCode()).isEqualTo(401);
        assertThat(api.put(path, ADMIN, "[1]").statusCode()).isEqualTo(422);
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
            Answer shed = submit(key, ECHO);
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
    void shouldRefuseTheOpenAiRoutesOfATenantOverItsLimitWith429InOpenAisShape() throws Exception {
        String a = key("acme");
        String b = key("globex");
        try (var probe = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED)) {
            var first = answered(probe, a, CHAT_PATH, chatBody(false));
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("RateLimit-Policy")).contains("\"rpm\";q=2;w=60");
            assertThat(first.headers().firstValue("RateLimit"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("\"rpm\";r=1;t="));
            var streamed = answered(probe, a, COMPLETIONS_PATH, COMPLETION_STREAM);
            assertThat(streamed.statusCode()).isEqualTo(200);
            assertThat(streamed.body()).contains("data: [DONE]");
            assertThat(streamed.headers().firstValue("RateLimit"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("\"rpm\";r=0;t="));

            for (String[] route : new String[][] {
                {CHAT_PATH, chatBody(false)},
                {CHAT_PATH, chatBody(true)},
                {COMPLETIONS_PATH, COMPLETION_STREAM},
                {EMBEDDINGS_PATH, EMBEDDING}
            }) {
                var refused = api.post(route[0], a, route[1]);

                assertThat(refused.statusCode()).as(route[0]).isEqualTo(429);
                JsonNode error = assertOpenAiError(refused, "requests", "rate_limit_exceeded");
                assertThat(error.get("message").asText()).contains("2 requests per minute");
                assertThat(refused.headers().firstValue("Retry-After"))
                        .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 30));
                assertThat(refused.headers().firstValue("RateLimit"))
                        .hasValueSatisfying(v -> assertThat(v).startsWith("\"rpm\";r=0;t="));
                assertThat(refused.headers().firstValue("RateLimit-Policy")).contains("\"rpm\";q=2;w=60");
                assertThat(refused.headers().firstValue("x-job-id")).isEmpty();
            }
            assertThat(answered(probe, b, EMBEDDINGS_PATH, EMBEDDING).statusCode())
                    .isEqualTo(200);
            // The three admitted requests are on Kafka; none of the four refused ones is.
            assertThat(requestsOnKafka()).isEqualTo(3);
        }
        assertThat(registry.get("broker.ingress.admissions")
                        .tags("outcome", "rejected", "reason", "requests")
                        .counter()
                        .count())
                .isEqualTo(4.0);
    }

    @Test
    void shouldChargeTheOpenAiRoutesTheirEstimatedTokens() throws Exception {
        String tenant = db.apiKeys().createTenant("acme");
        db.tenantLimits().setRateLimits(tenant, 0, 50);
        String key = db.apiKeys().issueKey(tenant).secret();
        try (var probe = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED)) {
            // "hi" is 1 token, plus max_tokens 4.
            var admitted = answered(probe, key, CHAT_PATH, chatBody(false));
            assertThat(admitted.statusCode()).isEqualTo(200);
            assertThat(admitted.headers().firstValue("RateLimit"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("\"tpm\";r=45;t="));

            // 60 tokens of text: more than the whole limit of 50 with or without completion tokens.
            String text = "x".repeat(240);
            for (String[] route : new String[][] {
                {CHAT_PATH, "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"},
                {COMPLETIONS_PATH, "{\"model\":\"sim-echo\",\"prompt\":\"" + text + "\",\"stream\":true}"},
                {EMBEDDINGS_PATH, "{\"model\":\"sim-embed\",\"input\":[\"" + text + "\"]}"},
                {
                    CHAT_PATH,
                    "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                            + "\"max_completion_tokens\":1000}"
                }
            }) {
                var refused = api.post(route[0], key, route[1]);

                assertThat(refused.statusCode()).as(route[1]).isEqualTo(429);
                JsonNode error = assertOpenAiError(refused, "tokens", "rate_limit_exceeded");
                assertThat(error.get("message").asText()).contains("tokens per minute");
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            }
            // 10 characters are 3 tokens, and an embedding generates none: 42 left, and what refilled since.
            var embedded = answered(probe, key, EMBEDDINGS_PATH, "{\"model\":\"sim-embed\",\"input\":\"0123456789\"}");
            assertThat(embedded.statusCode()).isEqualTo(200);
            String state = embedded.headers().firstValue("RateLimit").orElseThrow();
            assertThat(state).startsWith("\"tpm\";r=");
            assertThat(Integer.parseInt(state.substring("\"tpm\";r=".length(), state.indexOf(";t="))))
                    .isBetween(42, 47);
            assertThat(requestsOnKafka()).isEqualTo(2);
        }
    }

    @Test
    void shouldShedTheOpenAiRoutesWith503InOpenAisShapeByTheSameQueueLimit() throws Exception {
        String key = unlimitedKey("acme");
        Instant before = Instant.now();
        try (var statuses =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.QUEUE_STATUS);
                var probe = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED)) {
            // 4 queued, the oldest for 8 s: two jobs above the limit drain in about 4 s.
            publish(statuses, new QueueStatus(QueueStatus.VERSION, ECHO, 4, before.minusSeconds(8), before));
            awaitQueued(4);

            for (String[] route : new String[][] {
                {CHAT_PATH, chatBody(false)}, {CHAT_PATH, chatBody(true)}, {COMPLETIONS_PATH, COMPLETION_STREAM}
            }) {
                var shed = api.post(route[0], key, route[1]);

                assertThat(shed.statusCode()).as(route[1]).isEqualTo(503);
                JsonNode error = assertOpenAiError(shed, "server_error", "queue_full");
                assertThat(error.get("message").asText()).contains("'sim-echo'", "4 jobs queued", "limit of 3");
                assertThat(shed.headers().firstValue("Retry-After")).contains("4");
            }
            assertThat(requestsOnKafka()).isZero();

            // An empty queue, and the dispatcher has read nothing accepted from now on: jobs admitted
            // on either route are on their way, and count against the same limit of 3.
            publish(statuses, new QueueStatus(QueueStatus.VERSION, ECHO, 0, null, Instant.now(), null, before));
            awaitQueued(0);
            assertThat(answered(probe, key, CHAT_PATH, chatBody(false)).statusCode())
                    .isEqualTo(200);
            assertThat(submit(key, ECHO).statusCode()).isEqualTo(202);
            assertThat(answered(probe, key, COMPLETIONS_PATH, COMPLETION_STREAM).statusCode())
                    .isEqualTo(200);
            assertThat(submit(key, ECHO).statusCode()).isEqualTo(503);
            var shed = api.post(CHAT_PATH, key, chatBody(true));
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(assertOpenAiError(shed, "server_error", "queue_full")
                            .get("message")
                            .asText())
                    .contains("3 jobs queued");
            assertThat(requestsOnKafka()).isEqualTo(3);
        }
        assertThat(registry.get("broker.ingress.admissions")
                        .tags("outcome", "rejected", "reason", "queue_full")
                        .counter()
                        .count())
                .isEqualTo(5.0);
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
                            () -> api.get("/admin/queues", ADMIN).json(),
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
                            () -> api.get("/admin/workers", ADMIN).json(),
                            b -> b.get("workers").size() == 1);
            JsonNode w = listed.get("workers").get(0);
            assertThat(w.get("worker_id").asText()).isEqualTo("gpu-1");
            assertThat(w.get("capacity").asInt()).isEqualTo(16);
            assertThat(w.get("in_flight").asInt()).isEqualTo(2);
            assertThat(w.get("dispatcher").get("outstanding").asInt()).isEqualTo(3);
            assertThat(w.get("dispatcher").get("breaker").asText()).isEqualTo("closed");
        }
        assertThat(api.get("/admin/workers", "not-the-admin-key").statusCode()).isEqualTo(401);
        assertThat(api.get("/admin/queues", null).statusCode()).isEqualTo(401);
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

    private Answer submit(String key, String model) throws IOException, InterruptedException {
        String input = model.equals(ECHO)
                ? "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4}"
                : "{\"input\":\"hi\"}";
        return api.post("/v1/jobs", key, "{\"model\":\"" + model + "\",\"input\":" + input + "}");
    }

    private static String chatBody(boolean stream) {
        return "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4"
                + (stream ? ",\"stream\":true}" : "}");
    }

    /**
     * Sends an OpenAI-compatible request, waits for its job on the requests topic (the first one
     * with a reply_to not answered yet) and answers it as a worker would: the response follows.
     */
    private Answer answered(TopicProbe<JobRequested> probe, String key, String path, String body) throws Exception {
        var pending = api.sendAsync("POST", path, key, body);
        JobRequested job = probe
                .awaitUntil(records -> records.stream().anyMatch(r -> isUnanswered(r.value())), Duration.ofSeconds(20))
                .stream()
                .map(ConsumerRecord::value)
                .filter(this::isUnanswered)
                .findFirst()
                .orElseThrow();
        answeredJobs.add(job.jobId());
        ObjectNode output = job.kind() == JobKind.EMBEDDING
                ? mapper.createObjectNode().set("embeddings", mapper.readTree("[[0.5,-0.5]]"))
                : mapper.createObjectNode().put("text", "hello").put("finish_reason", "stop");
        Instant now = Instant.now();
        try (var results = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_RESULT)) {
            results.send(new ProducerRecord<>(
                            kafka.topics().results(),
                            job.jobId(),
                            new JobResult(
                                    JobResult.VERSION,
                                    job.jobId(),
                                    job.tenantId(),
                                    job.model(),
                                    JobStatus.SUCCEEDED,
                                    output,
                                    null,
                                    new Usage(1, 1),
                                    null,
                                    "w",
                                    1,
                                    new Timings(now, now, now, now, now))))
                    .get();
        }
        return pending.get(20, TimeUnit.SECONDS);
    }

    private boolean isUnanswered(JobRequested job) {
        return job.replyTo() != null && !answeredJobs.contains(job.jobId());
    }

    /** How many records the requests topic holds: everything the ingress produced. */
    private long requestsOnKafka() {
        try (var consumer =
                new KafkaConsumer<>(kafka.clientProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(kafka.topics().requests(), Duration.ofSeconds(20)).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(20)).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** Waits until admission sees sim-echo's published queue depth. */
    private void awaitQueued(int queued) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode queues = api.get("/admin/queues", ADMIN).json().get("queues");
            return queues.size() == 1 && queues.get(0).get("queued").asInt() == queued;
        });
    }

    private JsonNode assertOpenAiError(Answer response, String type, String code) throws IOException {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = response.json().get("error");
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("param").isNull()).isTrue();
        return error;
    }
}
