package io.inferbroker.testkit.http;

import static io.inferbroker.testkit.http.ProblemAssert.assertProblem;
import static io.inferbroker.testkit.http.ProblemAssert.assertThatProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The problem assertions against answers of a real HTTP server, well-formed problems and near misses. */
class ProblemAssertTest {
    private static final String NOT_FOUND =
            "{\"type\":\"/problems/not-found\",\"title\":\"Not found\",\"status\":404,\"detail\":\"no job x\"}";

    private HttpServer server;
    private HttpTestClient api;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/problem", 404, "application/problem+json", NOT_FOUND);
        answer("/as-json", 404, "application/json", NOT_FOUND);
        answer("/other-status", 400, "application/problem+json", NOT_FOUND);
        answer(
                "/invalid",
                422,
                "application/problem+json",
                "{\"type\":\"/problems/validation\",\"title\":\"Invalid\",\"status\":422,\"detail\":\"\","
                        + "\"errors\":[{\"pointer\":\"/url\",\"detail\":\"bad\"},{\"parameter\":\"limit\"}]}");
        answer("/untitled", 404, "application/problem+json", NOT_FOUND.replace("\"title\":\"Not found\",", ""));
        answer(
                "/trace",
                500,
                "application/problem+json",
                "{\"type\":\"/problems/internal\",\"title\":\"Oops\",\"status\":500,"
                        + "\"detail\":\"java.lang.IllegalStateException: x\\n\\tat a.B.c(B.java:1)\"}");
        answer("/text", 404, "application/problem+json", "not found");
        server.start();
        api = HttpTestClient.of("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void answer(String path, int status, String type, String body) {
        server.createContext(path, ex -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void shouldPassAWellFormedProblemAndAnswerItsBody() throws Exception {
        Answer answer = api.get("/problem", null);

        assertThat(assertProblem(answer, "not-found").get("detail").asText()).isEqualTo("no job x");
        assertThatProblem(answer).isProblem().hasStatus(404).hasDetail();
    }

    @Test
    void shouldFailAProblemAnsweredWithAnotherContentType() throws Exception {
        Answer answer = api.get("/as-json", null);

        assertThatThrownBy(() -> assertProblem(answer, "not-found"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("application/problem+json")
                .hasMessageContaining("application/json");
        assertThatThrownBy(() -> assertThatProblem(answer).isProblem()).isInstanceOf(AssertionError.class);
    }

    @Test
    void shouldFailAProblemWhoseStatusIsNotTheAnswers() throws Exception {
        Answer answer = api.get("/other-status", null);

        assertThatThrownBy(() -> assertProblem(answer, "not-found"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status")
                .hasMessageContaining("400");
        assertThatThrownBy(() -> assertThatProblem(api.get("/problem", null)).hasStatus(422))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("422");
    }

    @Test
    void shouldFailAnotherTypeNoTitleAStackTraceOrABodyThatIsNotJson() throws Exception {
        Answer problem = api.get("/problem", null);
        assertThatThrownBy(() -> assertProblem(problem, "validation"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/problems/validation")
                .hasMessageContaining("/problems/not-found");
        assertThatThrownBy(() -> assertThatProblem(api.get("/untitled", null)).isProblem())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("title");
        assertThatThrownBy(() -> assertThatProblem(api.get("/trace", null)).isProblem())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("stack trace");
        assertThatThrownBy(() -> assertThatProblem(api.get("/text", null)).isProblem())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void shouldCheckTheFirstErrorAndTheDetail() throws Exception {
        Answer invalid = api.get("/invalid", null);

        assertThatProblem(invalid).hasStatus(422).hasType("validation").hasFirstError("pointer", "/url");
        assertThatThrownBy(() -> assertThatProblem(invalid).hasFirstError("pointer", "/events"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/events")
                .hasMessageContaining("/url");
        assertThatThrownBy(() -> assertThatProblem(invalid).hasFirstError("parameter", "limit"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThatProblem(invalid).hasDetail())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("detail");
    }

    @Test
    void shouldNameWhatTheTestDescribedInItsFailures() throws Exception {
        Answer answer = api.get("/as-json", null);

        assertThatThrownBy(
                        () -> assertThatProblem(answer).as("GET /v1/jobs/{id}").isProblem())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /v1/jobs/{id}");
    }
}
