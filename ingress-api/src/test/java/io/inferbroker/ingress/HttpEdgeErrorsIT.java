package io.inferbroker.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What Jetty refuses before any route runs, and text no column can hold, are answered as problems. */
class HttpEdgeErrorsIT {
    private final ObjectMapper mapper = new ObjectMapper();
    private IngressServer server;

    @BeforeEach
    void start() {
        server = IngressServer.startOps(
                "127.0.0.1", 0, List.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static List<Arguments> refusedRequests() {
        return List.of(
                Arguments.of("a NUL in a path segment", "GET /v1/jobs/%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of(
                        "a URI too long", "GET /v1/jobs/" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                Arguments.of(
                        "header fields too large",
                        "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(70_000) + "\r\n\r\n",
                        431),
                Arguments.of("an HTTP version it does not speak", "GET /health/live HTTP/7.1\r\nHost: x\r\n\r\n", 505),
                // Jetty writes its error page only for GET, POST and HEAD unless told otherwise.
                Arguments.of(
                        "a NUL in a header of a DELETE",
                        "DELETE /health/live HTTP/1.1\r\nHost: x\r\nPrefer: a\u0000b\r\n\r\n",
                        400),
                Arguments.of(
                        "a NUL in a header of a PUT",
                        "PUT /health/live HTTP/1.1\r\nHost: x\r\nX-Odd: \u0000\r\nContent-Length: 0\r\n\r\n",
                        400),
                Arguments.of(
                        "a URI that is not valid in a PATCH", "PATCH /v1/jobs/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of(
                        "a chunk size that is not a number",
                        "POST /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
                        400),
                Arguments.of(
                        "a chunked body cut short",
                        "POST /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
                        400),
                Arguments.of(
                        "a body shorter than its length",
                        "POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab",
                        400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRequests")
    void shouldAnswerJettysOwnRefusalsAsProblems(String what, String request, int status) throws Exception {
        String response = exchange(request);

        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertThat(head).startsWith("HTTP/1.1 " + status);
        assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/");
        assertThat(body).doesNotContain("<html", "Exception", "org.eclipse", "at ");
        JsonNode json = mapper.readTree(body);
        if (head.contains("problem+json")) {
            assertThat(json.get("status").asInt()).isEqualTo(status);
            assertThat(json.get("type").asText()).startsWith("/problems/");
            assertThat(json.get("detail").asText()).isNotBlank();
        } else {
            assertThat(json.at("/error/message").asText())
                    .as("OpenAI's error shape")
                    .isNotBlank();
        }
    }

    @org.junit.jupiter.api.Test
    void shouldRefuseANulInAQueryParameterNamingIt() throws Exception {
        String response = exchange("GET /health/live?job_id=%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 422");
        JsonNode json = mapper.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(json.at("/errors/0/parameter").asText()).isEqualTo("job_id");
    }

    /** A problem is JSON, so UTF-8: not the ISO-8859-1 Jetty picks for a type it does not know. */
    @org.junit.jupiter.api.Test
    void shouldWriteAProblemInUtf8() throws Exception {
        String response =
                exchange("GET /health/live?%C3%A9%E2%82%AC=%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 422");
        assertThat(response).contains("Content-Type: application/problem+json");
        JsonNode json = mapper.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(json.at("/errors/0/parameter").asText()).isEqualTo("\u00e9\u20ac");
    }

    /** One raw HTTP/1.1 exchange: these requests are what no well-behaved client library sends. */
    private String exchange(String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        } catch (java.net.SocketException e) {
            throw new AssertionError("the connection was dropped instead of answered: " + e.getMessage(), e);
        }
    }
}
