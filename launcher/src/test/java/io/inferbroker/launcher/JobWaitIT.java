package io.inferbroker.launcher;

import static io.inferbroker.testkit.http.ProblemAssert.assertThatProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
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
    private static HttpTestClient api;
    private final ObjectMapper mapper = new ObjectMapper();

    @BeforeAll
    static void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        broker = TestBroker.start(kafka, pg, dir, Map.of());
        api = HttpTestClient.of(broker.base);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAnswer200WithTheFinishedJobWhenPreferWaitSawItFinish() throws Exception {
        Answer response = api.send("POST", "/v1/jobs", broker.key, ECHO, "Prefer", "wait=20");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Preference-Applied")).contains("wait=20");
        JsonNode job = response.json();
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
        Answer response = api.send("POST", "/v1/jobs", broker.key, IDLE, "Prefer", "respond-async, wait=1");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Location")).isPresent();
        assertThat(response.json().get("status").asText()).isEqualTo("queued");
    }

    @Test
    void shouldLongPollAJobUntilItFinishes() throws Exception {
        Answer accepted = api.post("/v1/jobs", broker.key, ECHO);
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = accepted.json().get("id").asText();

        Answer polled = api.get("/v1/jobs/" + id + "?wait=20", broker.key);

        assertThat(polled.statusCode()).isEqualTo(200);
        JsonNode job = polled.json();
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.get("output").get("text").asText()).isEqualTo("wait for me");
        assertThat(job.get("metadata").get("case").asText()).isEqualTo("wait");
    }

    @Test
    void shouldAnswerTheJobAsItIsWhenTheLongPollIsOver() throws Exception {
        String id = api.post("/v1/jobs", broker.key, IDLE).json().get("id").asText();
        long start = System.nanoTime();

        Answer polled = api.get("/v1/jobs/" + id + "?wait=1", broker.key);

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(900_000_000L);
        assertThat(polled.statusCode()).isEqualTo(200);
        assertThat(polled.json().get("status").asText()).isEqualTo("queued");
    }

    @Test
    void shouldRefuseBadWaitsWith422NamingTheParameterOrHeader() throws Exception {
        String id = api.post("/v1/jobs", broker.key, IDLE).json().get("id").asText();

        Answer badQuery = api.get("/v1/jobs/" + id + "?wait=forever", broker.key);
        Answer badHeader = api.send("POST", "/v1/jobs", broker.key, IDLE, "Prefer", "wait=301");

        assertThatProblem(badQuery).hasStatus(422).hasFirstError("parameter", "wait");
        assertThatProblem(badHeader).hasStatus(422).hasFirstError("header", "Prefer");
    }

    @Test
    void shouldAnswerAnUnknownJobWithItsOwnProblemAlsoWhenWaiting() throws Exception {
        Answer response = api.get("/v1/jobs/no-such-job?wait=5", broker.key);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.json().get("title").asText()).isEqualTo("Job not found");
    }
}
