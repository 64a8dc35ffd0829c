package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading its job stream, over real HTTP: once more events wait for it than
 * {@code http.stream_buffer_events}, the broker cuts the stream with an {@code error} event naming
 * the last event the client was sent, never a {@code done} and never growing; the client then
 * resumes from that {@code Last-Event-ID} (again after each further cut) and gets the rest exactly
 * once.
 */
@ExtendWith(InfraExtension.class)
class SlowStreamClientIT {
    private static final int TOKENS = 3000;
    private static final String CONFIG = """
            models:
              - id: sim-long
                max_queue_delay_ms: 1
            workers:
              - id: sim-long-1
                models: [sim-long]
                time_scale: 0.1
            """;
    private static final String PROMPT =
            IntStream.rangeClosed(1, TOKENS).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private static HttpTestClient api;
    private final ObjectMapper mapper = new ObjectMapper();

    @BeforeAll
    static void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        broker = TestBroker.start(
                kafka,
                pg,
                dir,
                Map.of("BROKER_HTTP_STREAM_BUFFER_EVENTS", "32", "BROKER_HTTP_SOCKET_SEND_BUFFER_BYTES", "8192"),
                CONFIG);
        api = HttpTestClient.of(broker.base);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldCutAStalledClientWithAnErrorNamingWhereToResumeAndResumeFromThere() throws Exception {
        String id = submit();
        double cutBefore = overflows();

        List<Event> cut;
        try (Socket socket = new Socket()) {
            // A small receive window here and a bounded send buffer at the broker: its writes block
            // after a few KiB instead of filling the kernel's buffers, which grow to megabytes.
            socket.setReceiveBufferSize(2048);
            socket.connect(new InetSocketAddress("127.0.0.1", broker.process.port()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/jobs/" + id + "/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + broker.key + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Not a byte is read until the broker has given up on this client.
            await().atMost(Duration.ofSeconds(60)).until(() -> overflows() > cutBefore);
            cut = events(readChunkedBody(socket.getInputStream()));
        }

        List<Event> tokens = cut.stream().filter(e -> e.name().equals("token")).toList();
        Event last = cut.getLast();
        assertThat(last.name()).isEqualTo("error");
        assertThat(cut).noneMatch(e -> e.name().equals("done"));
        assertThat(tokens).isNotEmpty().hasSizeLessThan(TOKENS);
        assertThat(tokens.stream().map(Event::id).toList()).isEqualTo(ids(1, tokens.size()));
        JsonNode problem = mapper.readTree(last.data());
        assertThat(problem.get("type").asText()).endsWith("stream-too-slow");
        assertThat(problem.get("last_event_id").asText())
                .isEqualTo(tokens.getLast().id());
        assertThat(overflows()).isEqualTo(cutBefore + 1);

        // A client resumes from the id it is given until it sees done: the resumed stream reads
        // its backlog from the tokens topic meanwhile, and with a buffer of 32 events it may be cut
        // again; each cut names where to go on, and no token is lost or repeated across them.
        List<Event> all = new ArrayList<>(tokens);
        String from = problem.get("last_event_id").asText();
        Event end = last;
        for (int resumes = 0; resumes < 50 && !end.name().equals("done"); resumes++) {
            List<Event> rest =
                    events(api.send("GET", "/v1/jobs/" + id + "/stream", broker.key, null, "Last-Event-ID", from)
                            .body());
            end = rest.getLast();
            if (end.name().equals("error")) {
                from = mapper.readTree(end.data()).get("last_event_id").asText();
            }
            rest.stream().filter(e -> e.name().equals("token")).forEach(all::add);
        }
        assertThat(end.name()).isEqualTo("done");
        assertThat(all.stream().map(Event::id).toList()).isEqualTo(ids(1, TOKENS));
        StringBuilder text = new StringBuilder();
        for (Event e : all) {
            text.append(mapper.readTree(e.data()).get("text").asText());
        }
        assertThat(text.toString()).isEqualTo(PROMPT);
    }

    private record Event(@Nullable String id, String name, String data) {}

    /** The events of an SSE body; comments and {@code retry} lines are skipped. */
    private static List<Event> events(String body) {
        List<Event> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String id = null;
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            if (!data.isEmpty()) {
                events.add(new Event(id, name, data.toString()));
            }
        }
        return events;
    }

    /**
     * Reads an HTTP/1.1 response to its end (chunked, or to the end of the connection) and answers
     * its body; fails on any status but 200.
     */
    private static String readChunkedBody(InputStream in) throws IOException {
        String status = line(in);
        assertThat(status).startsWith("HTTP/1.1 200");
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            chunked |= header.equalsIgnoreCase("Transfer-Encoding: chunked");
        }
        if (!chunked) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(size));
            line(in); // the CRLF after the chunk
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection ended inside a line");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private String submit() throws Exception {
        Answer r = api.post(
                "/v1/jobs",
                broker.key,
                "{\"model\":\"sim-long\",\"input\":{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":" + TOKENS + "}}");
        assertThat(r.statusCode()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    private static double overflows() throws Exception {
        String metrics = api.get("/metrics", null).body();
        return metrics.lines()
                .filter(l -> l.startsWith("broker_ingress_stream_overflows_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<String> ids(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
    }
}
