package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

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
            String base = "http://127.0.0.1:" + broker.port();
            var submitted = send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/jobs"))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "{\"model\":\"sim-echo\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hello broker world\"}],\"max_tokens\":8},\"metadata\":{\"run\":\"e2e\"}}")));
            assertThat(submitted.statusCode()).isEqualTo(202);
            id = mapper.readTree(submitted.body()).get("id").asText();

            finished = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> getJob(base, key, id),
                            j -> "succeeded".equals(j.path("status").asText()));

            assertCompleteSuccess(finished);
            String raw = send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + id))
                            .header("Authorization", "Bearer " + key))
                    .body();
            assertThat(raw).as("cost written as a plain decimal").containsPattern("\"amount\":0\\.\\d+[,}]");
            var models = mapper.readTree(send(HttpRequest.newBuilder(URI.create(base + "/v1/models"))
                            .header("Authorization", "Bearer " + key))
                    .body());
            assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("sim-echo");
            // Readiness may flap while the dispatcher's consumer group settles after start.
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> send(HttpRequest.newBuilder(URI.create(base + "/health/ready")))
                                    .statusCode()
                            == 200);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/metrics")))
                            .body())
                    .contains("broker_jobs_submitted_total");
        }

        try (BrokerProcess again = BrokerProcess.start(
                cfg, Role.all(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String base = "http://127.0.0.1:" + again.port();
            JsonNode after = getJob(base, devKey(), id);
            assertThat(after.get("status").asText()).isEqualTo("succeeded");
            assertThat(after.get("output")).isEqualTo(finished.get("output"));
            assertThat(after.get("completed_at")).isEqualTo(finished.get("completed_at"));

            // New work flows at once: the stopped dispatcher left its consumer group instead of
            // holding its partitions until its session expired.
            String second = submit(base, devKey(), "after restart");
            JsonNode done = await().atMost(Duration.ofSeconds(8))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> getJob(base, devKey(), second),
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

    private String submit(String base, String key, String content) throws IOException, InterruptedException {
        var response = send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"" + content + "\"}}")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("id").asText();
    }

    private String devKey() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("data/dev-credentials.properties"))) {
            p.load(in);
        }
        return p.getProperty("api_key");
    }

    private JsonNode getJob(String base, String key, String id) throws IOException, InterruptedException {
        var response = send(
                HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + id)).header("Authorization", "Bearer " + key));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
