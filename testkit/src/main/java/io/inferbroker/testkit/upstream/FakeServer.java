package io.inferbroker.testkit.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What both fake servers share: a JDK HTTP server on 127.0.0.1 and an ephemeral port, a virtual
 * thread per exchange, keep-alive, a queue of scenarios and a log of what was received.
 */
abstract class FakeServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // Real model servers disable Nagle's algorithm; without this, every small SSE chunk after the
        // first waits for the client's delayed ACK (about 40 ms). Read once, when the JDK server loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Scenario> scenarios = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger disconnects = new AtomicInteger();

    FakeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a fake model server", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Makes the next requests (one each, in order) answer with these scenarios. */
    public void enqueue(Scenario... next) {
        scenarios.addAll(List.of(next));
    }

    /** Every request received so far, in order of arrival. */
    public List<Received> requests() {
        return List.copyOf(received);
    }

    /** Streams the client stopped reading before they ended. */
    public int disconnects() {
        return disconnects.get();
    }

    /** Forgets received requests, disconnects and queued scenarios. */
    public void reset() {
        scenarios.clear();
        received.clear();
        disconnects.set(0);
    }

    abstract void handle(HttpExchange exchange, Received request, Scenario scenario) throws IOException;

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            Received request = read(exchange);
            received.add(request);
            Scenario scenario = request.method().equals("POST") ? next() : Scenario.normal();
            handle(exchange, request, scenario);
        } catch (IOException e) {
            disconnects.incrementAndGet();
        }
    }

    private Scenario next() {
        Scenario s = scenarios.poll();
        return s == null ? Scenario.normal() : s;
    }

    private static Received read(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> {
            if (!v.isEmpty()) {
                headers.put(k.toLowerCase(Locale.ROOT), v.get(0));
            }
        });
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readAllBytes();
        }
        JsonNode body = MissingNode.getInstance();
        if (bytes.length > 0) {
            try {
                body = JSON.readTree(bytes);
            } catch (IOException notJson) {
                body = MissingNode.getInstance();
            }
        }
        return new Received(
                exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body);
    }

    static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        sendRaw(exchange, status, "application/json", JSON.writeValueAsBytes(body), Map.of());
    }

    static void sendRaw(HttpExchange exchange, int status, String contentType, byte[] body, Map<String, String> headers)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Simulated model latency (not test synchronisation): the server holds the answer back. */
    static void pause(java.time.Duration delay) {
        try {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The words of {@code text} as streamed tokens: the first plain, the others after a space. */
    static List<String> tokens(String text) {
        String stripped = text.strip();
        List<String> out = new ArrayList<>();
        if (stripped.isEmpty()) {
            return out;
        }
        String[] words = stripped.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            out.add(i == 0 ? words[i] : " " + words[i]);
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
