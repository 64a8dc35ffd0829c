package io.inferbroker.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Standard Webhooks receiver on a loopback port: verifies every message's signature under the
 * subscription's secret, refuses the first attempt of one message in twenty (503) so redeliveries
 * happen, and records what arrived per message id and per job. Thread-safe.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final long TOLERANCE_SECONDS = 300;

    /** What one job's terminal message said. */
    record Terminal(String webhookId, String type, boolean hasResult, String worker, Instant startedAt, long nanos) {}

    private final HttpServer server;
    private volatile byte[] key = new byte[0];
    private final Map<String, AtomicLong> attemptsById = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> idsByJobEvent = new ConcurrentHashMap<>();
    private final Map<String, Terminal> terminalByJob = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong unparsable = new AtomicLong();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The subscription's {@code whsec_} secret; messages are verified under it. */
    void secret(String secret) {
        key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex;
                InputStream in = ex.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String id = header(ex, "webhook-id");
            String ts = header(ex, "webhook-timestamp");
            received.incrementAndGet();
            if (!verifies(id, ts, body, header(ex, "webhook-signature"))) {
                badSignatures.incrementAndGet();
            }
            long attempt =
                    attemptsById.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
            if (attempt == 1 && Math.floorMod(id.hashCode(), 20) == 0) {
                refused.add(id);
                ex.sendResponseHeaders(503, -1);
                return;
            }
            record(id, body);
            ex.sendResponseHeaders(204, -1);
        }
    }

    private void record(String id, String body) {
        JsonNode message = Api.parse(body);
        String type = message.path("type").asText("");
        JsonNode job = message.path("data");
        String jobId = job.path("id").asText("");
        if (type.isEmpty() || jobId.isEmpty()) {
            unparsable.incrementAndGet();
            return;
        }
        idsByJobEvent
                .computeIfAbsent(jobId + " " + type, k -> ConcurrentHashMap.newKeySet())
                .add(id);
        boolean hasResult = job.path("output").isObject()
                && job.path("usage").isObject()
                && job.path("cost").isObject();
        String started = job.path("started_at").asText("");
        terminalByJob.putIfAbsent(
                jobId,
                new Terminal(
                        id,
                        type,
                        hasResult,
                        job.path("worker").asText(""),
                        started.isEmpty() ? Instant.EPOCH : Instant.parse(started),
                        System.nanoTime()));
    }

    private boolean verifies(String id, String ts, String body, String signatures) {
        try {
            long seconds = Long.parseLong(ts);
            if (Math.abs(Instant.now().getEpochSecond() - seconds) > TOLERANCE_SECONDS) {
                return false;
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String sig : signatures.split(" ")) {
                if (sig.startsWith("v1,")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(sig.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String header(HttpExchange ex, String name) {
        String v = ex.getRequestHeaders().getFirst(name);
        return v == null ? "" : v;
    }

    Terminal terminal(String jobId) {
        return terminalByJob.get(jobId);
    }

    Map<String, Terminal> terminals() {
        return terminalByJob;
    }

    long received() {
        return received.get();
    }

    long badSignatures() {
        return badSignatures.get();
    }

    long unparsable() {
        return unparsable.get();
    }

    /** Jobs for which one event type arrived under more than one webhook-id. */
    long eventsWithSeveralIds() {
        return idsByJobEvent.values().stream().filter(s -> s.size() > 1).count();
    }

    /** Messages refused once that never came again (under the same webhook-id). */
    long refusedNotRedelivered() {
        return refused.stream().filter(id -> attemptsById.get(id).get() < 2).count();
    }

    long refusedCount() {
        return refused.size();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
