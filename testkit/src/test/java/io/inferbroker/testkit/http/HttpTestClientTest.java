package io.inferbroker.testkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP server that answers what it received. */
class HttpTestClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private HttpTestClient api;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            ObjectNode echo = JSON.createObjectNode()
                    .put("method", ex.getRequestMethod())
                    .put("target", ex.getRequestURI().toString())
                    .put("authorization", header(ex.getRequestHeaders().getFirst("Authorization")))
                    .put("content_type", header(ex.getRequestHeaders().getFirst("Content-Type")))
                    .put("prefer", header(ex.getRequestHeaders().getFirst("Prefer")))
                    .put("body", body);
            byte[] bytes = echo.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("X-Seen", "yes");
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/created") ? 201 : 200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        api = HttpTestClient.of("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String header(@Nullable String value) {
        return value == null ? "" : value;
    }

    @Test
    void shouldSendTheKeyAsBearerTokenAndTheBodyAsJson() throws Exception {
        Answer answer = api.post("/created?x=1", "ib_key", "{\"a\":1}");

        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.header("X-Seen")).contains("yes");
        assertThat(answer.headers().firstValue("content-type")).contains("application/json");
        assertThat(answer.json().get("method").asText()).isEqualTo("POST");
        assertThat(answer.json().get("target").asText()).isEqualTo("/created?x=1");
        assertThat(answer.json().get("authorization").asText()).isEqualTo("Bearer ib_key");
        assertThat(answer.json().get("content_type").asText()).isEqualTo("application/json");
        assertThat(answer.json().get("body").asText()).isEqualTo("{\"a\":1}");
    }

    @Test
    void shouldSendNeitherKeyNorContentTypeWhereNoneIsGiven() throws Exception {
        Answer answer = api.get("/health", null);

        assertThat(answer.json().get("method").asText()).isEqualTo("GET");
        assertThat(answer.json().get("authorization").asText()).isEmpty();
        assertThat(answer.json().get("content_type").asText()).isEmpty();
        assertThat(api.delete("/x", "k").json().get("method").asText()).isEqualTo("DELETE");
        assertThat(api.put("/x", "k", "{}").json().get("method").asText()).isEqualTo("PUT");
    }

    @Test
    void shouldLetGivenHeadersReplaceTheDefaults() throws Exception {
        Answer answer = api.send("POST", "/x", "k", "text", "Content-Type", "text/plain", "Prefer", "wait=1");

        assertThat(answer.json().get("content_type").asText()).isEqualTo("text/plain");
        assertThat(answer.json().get("prefer").asText()).isEqualTo("wait=1");
        assertThatThrownBy(() -> api.request("GET", "/x", null, null, "Prefer"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSendAsynchronouslyAndToAnotherBase() throws Exception {
        Answer answer = api.sendAsync("POST", "/async", "k", "{}").get(10, TimeUnit.SECONDS);
        assertThat(answer.json().get("target").asText()).isEqualTo("/async");

        HttpTestClient same = api.at(api.base());
        assertThat(same.get("/other", null).json().get("target").asText()).isEqualTo("/other");
    }

    @Test
    void shouldThrowQuotingTheBodyWhenItIsNotJson() {
        Answer answer = new Answer(500, HttpHeaders.of(Map.of(), (a, b) -> true), "<html>oops");

        assertThatThrownBy(answer::json)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("<html>oops");
    }
}
