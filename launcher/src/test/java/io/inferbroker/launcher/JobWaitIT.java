package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code Prefer: wait} on submit and {@code ?wait} on get, over plain HTTP against a whole broker. */
@ExtendWith(InfraExtension.class)
class JobWaitIT {
    private static final String ECHO =
            "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"wait for me\"}," + "\"metadata\":{\"case\":\"wait\"}}";
    private static final String IDLE = "{\"model\":\"sim-idle\",\"input\":{\"prompt\":\"nobody runs me\"}}";

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        broker = TestBroker.start(kafka, pg, dir, Map.of());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAnswer200WithTheFinishedJobWhenPreferWaitSawItFinish() throws Exception {
        HttpResponse<String> response = submit(ECHO, "wait=20");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Preference-Applied")).contains("wait=20");
        JsonNode job = mapper.readTree(response.body());
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.get("output").get("text").asText()).isEqualTo("wait for me");
        assertThat(job.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
        assertThat(job.get("metadata").get("case").asText()).isEqualTo("wait");
        assertThat(job.get("completed_at").isNull()).isFalse();
        assertThat(job.get("urls").get("get").asText())
                .endsWith("/v1/jobs/" + job.get("id").asText());
    }

    @Test
    void shouldAnswerTheUsual202WhenTheWaitIsOver() throws Exception {
        HttpResponse<String> response = submit(IDLE, "respond-async, wait=1");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Location")).isPresent();
        assertThat(mapper.readTree(response.body()).get("status").asText()).isEqualTo("queued");
    }

    @Test
    void shouldLongPollAJobUntilItFinishes() throws Exception {
        HttpResponse<String> accepted = submit(ECHO, null);
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = mapper.readTree(accepted.body()).get("id").asText();

        HttpResponse<String> polled = get("/v1/jobs/" + id + "?wait=20");

        assertThat(polled.statusCode()).isEqualTo(200);
        JsonNode job = mapper.readTree(polled.body());
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.get("output").get("text").asText()).isEqualTo("wait for me");
        assertThat(job.get("metadata").get("case").asText()).isEqualTo("wait");
    }

    @Test
    void shouldAnswerTheJobAsItIsWhenTheLongPollIsOver() throws Exception {
        String id = mapper.readTree(submit(IDLE, null).body()).get("id").asText();
        long start = System.nanoTime();

        HttpResponse<String> polled = get("/v1/jobs/" + id + "?wait=1");

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(900_000_000L);
        assertThat(polled.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(polled.body()).get("status").asText()).isEqualTo("queued");
    }

    @Test
    void shouldRefuseBadWaitsWith422NamingTheParameterOrHeader() throws Exception {
        String id = mapper.readTree(submit(IDLE, null).body()).get("id").asText();

        HttpResponse<String> badQuery = get("/v1/jobs/" + id + "?wait=forever");
        HttpResponse<String> badHeader = submit(IDLE, "wait=301");

        assertThat(badQuery.statusCode()).isEqualTo(422);
        assertThat(badQuery.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(mapper.readTree(badQuery.body())
                        .get("errors")
                        .get(0)
                        .get("parameter")
                        .asText())
                .isEqualTo("wait");
        assertThat(badHeader.statusCode()).isEqualTo(422);
        assertThat(mapper.readTree(badHeader.body())
                        .get("errors")
                        .get(0)
                        .get("header")
                        .asText())
                .isEqualTo("Prefer");
    }

    @Test
    void shouldAnswerAnUnknownJobWithItsOwnProblemAlsoWhenWaiting() throws Exception {
        HttpResponse<String> response = get("/v1/jobs/no-such-job?wait=5");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(mapper.readTree(response.body()).get("title").asText()).isEqualTo("Job not found");
    }

    private HttpResponse<String> submit(String body, String prefer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(broker.base + "/v1/jobs"))
                .header("Authorization", "Bearer " + broker.key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (prefer != null) {
            b.header("Prefer", prefer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(broker.base + path))
                        .header("Authorization", "Bearer " + broker.key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
