package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission through a whole broker: the dispatcher reports a model's queue on inference.queues and
 * the ingress sheds submits for it once the configured depth is reached; the default rate limit
 * applies to tenants without limits of their own.
 */
@ExtendWith(InfraExtension.class)
class BrokerAdmissionIT {
    private static final String ADMIN = "admin-secret";

    private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void shouldShedSubmitsOnceTheDispatcherReportsAFullQueueAndRateLimitByDefault(KafkaInfra kafka, PostgresInfra pg)
            throws Exception {
        // 'unserved' has no worker, so its jobs stay queued.
        Path file = Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: sim-echo
                  - id: unserved
                    max_queued: 2
                workers:
                  - id: sim-1
                    models: [sim-echo]
                """);
        BrokerConfig cfg = ConfigLoader.load(
                Map.of("port", "0"),
                Map.of(
                        "BROKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "BROKER_KAFKA_TOPIC_PREFIX", kafka.topics().prefix(),
                        "BROKER_DB_URL", pg.baseJdbcUrl(),
                        "BROKER_DB_USER", pg.user(),
                        "BROKER_DB_SCHEMA", pg.schema(),
                        "BROKER_ADMIN_KEY", ADMIN,
                        "BROKER_DATA_DIR", dir.toString(),
                        "BROKER_LIMITS_REQUESTS_PER_MINUTE", "2"),
                Optional.of(file));
        try (var broker = BrokerProcess.start(cfg, Role.all(), quiet)) {
            HttpTestClient api = HttpTestClient.of("http://127.0.0.1:" + broker.port());
            Tenant busy = tenant(api, "busy");
            var unlimited = api.put("/admin/tenants/" + busy.id() + "/limits", ADMIN, "{\"requests_per_minute\":0}");
            assertThat(unlimited.statusCode()).isEqualTo(200);

            var shed = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> submit(api, busy.key(), "unserved"), r -> r.statusCode() == 503);

            JsonNode problem = shed.json();
            assertThat(problem.get("type").asText()).isEqualTo("/problems/queue-full");
            assertThat(problem.get("detail").asText()).contains("'unserved'");
            assertThat(problem.get("queued").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(shed.headers().firstValue("Retry-After")).isPresent();
            assertThat(submit(api, busy.key(), "sim-echo").statusCode()).isEqualTo(202);

            Tenant limited = tenant(api, "limited");
            assertThat(submit(api, limited.key(), "sim-echo").statusCode()).isEqualTo(202);
            assertThat(submit(api, limited.key(), "sim-echo").statusCode()).isEqualTo(202);
            var refused = submit(api, limited.key(), "sim-echo");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("RateLimit-Policy")).contains("\"rpm\";q=2;w=60");
            assertThat(api.get("/metrics", null).body())
                    .contains("broker_ingress_queue_depth_jobs{model=\"unserved\"}");
        }
    }

    private record Tenant(String id, String key) {}

    private static Tenant tenant(HttpTestClient api, String name) throws IOException, InterruptedException {
        JsonNode created =
                api.post("/admin/tenants", ADMIN, "{\"name\":\"" + name + "\"}").json();
        return new Tenant(
                created.get("id").asText(), created.get("api_key").get("secret").asText());
    }

    private static Answer submit(HttpTestClient api, String key, String model)
            throws IOException, InterruptedException {
        return api.post(
                "/v1/jobs", key, "{\"model\":\"" + model + "\",\"input\":{\"prompt\":\"one two\",\"max_tokens\":1}}");
    }
}
