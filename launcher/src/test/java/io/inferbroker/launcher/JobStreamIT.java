package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.launchdarkly.eventsource.ConnectStrategy;
import com.launchdarkly.eventsource.ErrorStrategy;
import com.launchdarkly.eventsource.EventSource;
import com.launchdarkly.eventsource.MessageEvent;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/jobs/{id}/stream} read with a real SSE client (okhttp-eventsource) from two ingress
 * instances on one Kafka and PostgreSQL: a whole stream, a stream cut mid-way and resumed on the
 * other instance with {@code Last-Event-ID}, and a resume after the job finished.
 */
@ExtendWith(InfraExtension.class)
class JobStreamIT {
    private static final String CONFIG = """
            models:
              - id: sim-slow
                max_queue_delay_ms: 5
            workers:
              - id: sim-slow-1
                models: [sim-slow]
                time_scale: 3
            """;
    private static final List<String> WORDS =
            IntStream.rangeClosed(1, 24).mapToObj(i -> "w" + i).toList();
    private static final String PROMPT = String.join(" ", WORDS);

    @TempDir
    static Path dir;

    private static BrokerProcess a;
    private static BrokerProcess b;
    private static String key;
    private static HttpTestClient api;
    private final ObjectMapper mapper = new ObjectMapper();

    @BeforeAll
    static void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        Path config = Files.writeString(dir.resolve("broker.yaml"), CONFIG);
        Map<String, String> env = new HashMap<>(Map.of(
                "BROKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BROKER_KAFKA_TOPIC_PREFIX", kafka.topics().prefix(),
                "BROKER_DB_URL", pg.baseJdbcUrl(),
                "BROKER_DB_USER", pg.user(),
                "BROKER_DB_SCHEMA", pg.schema(),
                "BROKER_ADMIN_KEY", TestBroker.ADMIN,
                "BROKER_DATA_DIR", dir.resolve("data").toString()));
        BrokerConfig cfg = ConfigLoader.load(Map.of("port", "0"), env, Optional.of(config));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        a = BrokerProcess.start(cfg, Role.all(), quiet);
        b = BrokerProcess.start(cfg, EnumSet.of(Role.INGRESS), quiet);
        api = HttpTestClient.of(base(a));
        key = api.post("/admin/tenants", TestBroker.ADMIN, "{\"name\":\"streams\"}")
                .json()
                .get("api_key")
                .get("secret")
                .asText();
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void shouldStreamEveryTokenInOrderAndEndWithDone() throws Exception {
        String id = submit();

        Read read = read(a, id, null, Integer.MAX_VALUE);

        assertThat(read.ids()).isEqualTo(ids(1, 24));
        assertThat(read.statuses()).first().isIn("queued", "dispatched", "running");
        // The result and the lifecycle events travel on different topics: the succeeded event may
        // come after done, so only the order of what came is checked.
        assertThat(read.statuses()).doesNotContain("failed", "canceled", "expired");
        assertThat(read.done()).isNotNull();
        assertThat(read.done().get("status").asText()).isEqualTo("succeeded");
        assertThat(read.done().get("output").get("text").asText()).isEqualTo(PROMPT);
        assertThat(String.join("", read.tokenTexts())).isEqualTo(PROMPT);
    }

    @Test
    void shouldResumeOnTheOtherInstanceExactlyAfterTheLastEventSeen() throws Exception {
        String id = submit();
        Read first = read(a, id, null, 5);
        String last = first.ids().getLast();

        Read rest = read(b, id, last, Integer.MAX_VALUE);

        List<String> all = new ArrayList<>(first.ids());
        all.addAll(rest.ids());
        assertThat(all).isEqualTo(ids(1, 24));
        assertThat(String.join("", first.tokenTexts()) + String.join("", rest.tokenTexts()))
                .isEqualTo(PROMPT);
        assertThat(rest.done().get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void shouldResumeOnTheSameInstanceFromItsMemory() throws Exception {
        String id = submit();
        Read first = read(a, id, null, 7);
        double before = backlogFrom(a, "memory");

        Read rest = read(a, id, first.ids().getLast(), Integer.MAX_VALUE);

        assertThat(backlogFrom(a, "memory")).isEqualTo(before + 1);
        List<String> all = new ArrayList<>(first.ids());
        all.addAll(rest.ids());
        assertThat(all).isEqualTo(ids(1, 24));
        assertThat(String.join("", first.tokenTexts()) + String.join("", rest.tokenTexts()))
                .isEqualTo(PROMPT);
    }

    @Test
    void shouldResumeAfterTheJobFinishedWithTheTokensNotSeenAndTheJob() throws Exception {
        String id = submit();
        Read first = read(a, id, null, 3);
        Read whole = read(b, id, null, Integer.MAX_VALUE); // waits for the end of the job

        Read after = read(b, id, first.ids().getLast(), Integer.MAX_VALUE);

        assertThat(whole.done().get("status").asText()).isEqualTo("succeeded");
        assertThat(after.ids()).isEqualTo(ids(4, 24));
        assertThat(String.join("", first.tokenTexts()) + String.join("", after.tokenTexts()))
                .isEqualTo(PROMPT);
        assertThat(after.done().get("output").get("text").asText()).isEqualTo(PROMPT);
    }

    @Test
    void shouldRefuseAnotherTenantsJobAndABadLastEventId() throws Exception {
        String id = submit();

        Answer unknown = api.get("/v1/jobs/not-a-job/stream", key);
        Answer badId = api.send("GET", "/v1/jobs/" + id + "/stream", key, null, "Last-Event-ID", "seven");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.json().get("errors").get(0).get("header").asText()).isEqualTo("Last-Event-ID");
    }

    private record Read(
            List<String> ids,
            List<String> tokenTexts,
            List<String> statuses,
            @Nullable JsonNode done) {}

    /** Reads up to {@code maxTokens} tokens, or to the end of the stream, then hangs up. */
    private Read read(BrokerProcess instance, String id, @Nullable String lastEventId, int maxTokens) throws Exception {
        EventSource.Builder builder = new EventSource.Builder(
                        ConnectStrategy.http(URI.create(base(instance) + "/v1/jobs/" + id + "/stream"))
                                .header("Authorization", "Bearer " + key))
                .errorStrategy(ErrorStrategy.alwaysThrow());
        if (lastEventId != null) {
            builder.lastEventId(lastEventId);
        }
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        try (EventSource es = builder.build()) {
            while (true) {
                MessageEvent m = es.readMessage();
                JsonNode data = mapper.readTree(m.getData());
                switch (m.getEventName()) {
                    case "token" -> {
                        ids.add(m.getLastEventId());
                        texts.add(data.get("text").asText());
                        if (ids.size() >= maxTokens) {
                            return new Read(ids, texts, statuses, null);
                        }
                    }
                    case "status" -> statuses.add(data.get("status").asText());
                    case "done" -> {
                        return new Read(ids, texts, statuses, data);
                    }
                    default -> throw new AssertionError("unexpected event " + m.getEventName() + ": " + m.getData());
                }
            }
        }
    }

    private String submit() throws Exception {
        Answer r = api.post(
                "/v1/jobs",
                key,
                "{\"model\":\"sim-slow\",\"input\":{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":64}}");
        assertThat(r.statusCode()).isEqualTo(202);
        String id = r.json().get("id").asText();
        awaitKnownTo(b, id);
        return id;
    }

    /** The second instance knows a job once the store has it. */
    private static void awaitKnownTo(BrokerProcess instance, String id) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> api.at(base(instance)).get("/v1/jobs/" + id, key).statusCode() == 200);
    }

    /** The count of stream backlogs an instance served from {@code source}, from its Prometheus metrics. */
    private static double backlogFrom(BrokerProcess instance, String source) throws Exception {
        String metrics = api.at(base(instance)).get("/metrics", null).body();
        return metrics.lines()
                .filter(l ->
                        l.startsWith("broker_ingress_stream_backlog_total{") && l.contains("source=\"" + source + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<String> ids(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).collect(Collectors.toList());
    }

    private static String base(BrokerProcess p) {
        return "http://127.0.0.1:" + p.port();
    }
}
