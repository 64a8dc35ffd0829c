package io.inferbroker.store;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A webhook receiver on a real HTTP server (127.0.0.1, port 0): records every request and answers
 * each path as told, by the request's number on that path (0 first). Paths without a rule answer 204.
 */
public final class TestReceiver implements AutoCloseable {
    /** What to answer: a status, headers, and a pause before answering (to time out the sender). */
    public record Reply(int status, Map<String, String> headers, long delayMillis) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), 0);
        }
    }

    /** One request received. */
    public record Received(String path, Map<String, String> headers, String body, Instant at) {
        public String id() {
            return headers.get("webhook-id");
        }

        public String type() {
            return body.replaceAll("(?s).*\"type\":\"([^\"]+)\".*", "$1");
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, IntFunction<Reply>> rules = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    public TestReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public TestReceiver on(String path, IntFunction<Reply> rule) {
        rules.put(path, rule);
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    public List<Received> all() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> headers = new ConcurrentHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        received.add(new Received(path, headers, body, Instant.now()));
        int n = counts.computeIfAbsent(path, p -> new AtomicInteger()).getAndIncrement();
        Reply reply = rules.getOrDefault(path, i -> Reply.status(204)).apply(n);
        if (reply.delayMillis() > 0) {
            try {
                closing.await(reply.delayMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(reply.status(), -1);
        ex.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
