package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end, as a user meets it: {@code broker serve} on embedded Kafka and
 * PostgreSQL, a job submitted over HTTP runs on the simulated worker, polling shows it succeeded,
 * and it is still there after a restart on the same data directory.
 */
class BrokerServeIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldRunJobToSucceededAndKeepItAcrossRestart() throws Exception {
        Path config = Files.writeString(dataDir.resolve("broker.yaml"), """
                models:
                  - id: sim-echo
                    max_queue_delay_ms: 5
                workers:
                  - id: sim-1
                    models: [sim-echo]
                    time_scale: 0.05
                    input_per_million: 1.0
                    output_per_million: 2.0
                """);
        BrokerConfig cfg = ConfigLoader.load(
                Map.of("port", "0", "data_dir", dataDir.resolve("data").toString()), Map.of(), Optional.of(config));
        String id;
        JsonNode finished;
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        try (BrokerProcess broker =
                BrokerProcess.start(cfg, Role.all(), new PrintStream(banner, true, StandardCharsets.UTF_8))) {
            String key = devKey();
            assertThat(banner.toString(StandardCharsets.UTF_8))
                    .contains("Inferbroker is up at http://127.0.0.1:" + broker.port())
                    .contains("development API key: " + key)
                    .contains("curl");
            HttpTestClient api = HttpTestClient.of("http://127.0.0.1:" + broker.port());
            var submitted = api.post(
                    "/v1/jobs",
                    key,
                    "{\"model\":\"sim-echo\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hello broker world\"}],\"max_tokens\":8},\"metadata\":{\"run\":\"e2e\"}}");
            assertThat(submitted.statusCode()).isEqualTo(202);
            id = submitted.json().get("id").asText();

            finished = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> getJob(api, key, id),
                            j -> "succeeded".equals(j.path("status").asText()));

            assertCompleteSuccess(finished);
            String raw = api.get("/v1/jobs/" + id, key).body();
            assertThat(raw).as("cost written as a plain decimal").containsPattern("\"amount\":0\\.\\d+[,}]");
            var models = api.get("/v1/models", key).json();
            assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("sim-echo");
            // Readiness may flap while the dispatcher's consumer group settles after start.
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> api.get("/health/ready", null).statusCode() == 200);
            assertThat(api.get("/metrics", null).body()).contains("broker_jobs_submitted_total");
        }

        try (BrokerProcess again = BrokerProcess.start(
                cfg, Role.all(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            HttpTestClient api = HttpTestClient.of("http://127.0.0.1:" + again.port());
            JsonNode after = getJob(api, devKey(), id);
            assertThat(after.get("status").asText()).isEqualTo("succeeded");
            assertThat(after.get("output")).isEqualTo(finished.get("output"));
            assertThat(after.get("completed_at")).isEqualTo(finished.get("completed_at"));

            // New work flows at once: the stopped dispatcher left its consumer group instead of
            // holding its partitions until its session expired.
            String second = submit(api, devKey(), "after restart");
            JsonNode done = await().atMost(Duration.ofSeconds(8))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> getJob(api, devKey(), second),
                            j -> "succeeded".equals(j.path("status").asText()));
            assertThat(done.get("output").get("text").asText()).isEqualTo("after restart");
        }
    }

    private static void assertCompleteSuccess(JsonNode finished) {
        assertThat(finished.get("output").get("text").asText()).isEqualTo("hello broker world");
        assertThat(finished.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
        assertThat(finished.get("usage").get("prompt_tokens").asInt()).isPositive();
        assertThat(finished.get("cost").get("amount").decimalValue()).isPositive();
        assertThat(finished.get("worker").asText()).isEqualTo("sim-1");
        assertThat(finished.get("attempts").asInt()).isEqualTo(1);
        assertThat(finished.get("metadata").get("run").asText()).isEqualTo("e2e");
        for (String stage :
                new String[] {"created_at", "dispatched_at", "started_at", "first_token_at", "completed_at"}) {
            assertThat(finished.get(stage).isTextual()).as(stage).isTrue();
        }
    }

    private static String submit(HttpTestClient api, String key, String content)
            throws IOException, InterruptedException {
        var response = api.post("/v1/jobs", key, "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"" + content + "\"}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response.json().get("id").asText();
    }

    private String devKey() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("data/dev-credentials.properties"))) {
            p.load(in);
        }
        return p.getProperty("api_key");
    }

    private static JsonNode getJob(HttpTestClient api, String key, String id) throws IOException, InterruptedException {
        var response = api.get("/v1/jobs/" + id, key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
