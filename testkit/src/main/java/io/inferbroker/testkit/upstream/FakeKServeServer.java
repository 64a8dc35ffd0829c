package io.inferbroker.testkit.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;

/**
 * A fake Open Inference Protocol v2 server (KServe, Triton) on 127.0.0.1: {@code GET
 * /v2/health/ready}, {@code GET /v2/models/{name}} and {@code POST /v2/models/{name}/infer}. Every
 * model doubles its first input: {@code OUTPUT0} has the input's shape and {@code 2 * x} for every
 * element (FP32). Inputs are checked as Triton does: a name, a datatype, a shape and a flat {@code
 * data} array of exactly as many elements as the shape holds, else 400 with {@code {"error"}}.
 * Unknown models answer 404. Failures come from {@link Scenario}s ({@link Scenario.Huge} adds an
 * {@code OUTPUT1} of that many zeros per batch row).
 *
 * <p>Thread-safe; close it to stop.
 */
public final class FakeKServeServer extends FakeServer {
    private final Set<String> models;

    private FakeKServeServer(Set<String> models) {
        this.models = Set.copyOf(models);
    }

    /** @param models the model names it serves */
    public static FakeKServeServer start(String... models) {
        return new FakeKServeServer(Set.of(models));
    }

    /** The server's root, {@code http://127.0.0.1:port}; requests go to {@code /v2/...} below it. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    void handle(HttpExchange exchange, Received request, Scenario scenario) throws IOException {
        String[] parts = request.path().split("/");
        if (request.path().equals("/v2/health/ready") || request.path().equals("/v2/health/live")) {
            sendRaw(exchange, 200, "text/plain", new byte[0], Map.of());
            return;
        }
        if (parts.length < 4 || !parts[1].equals("v2") || !parts[2].equals("models")) {
            error(exchange, 404, "no route " + request.path());
            return;
        }
        String model = parts[3];
        if (!models.contains(model)) {
            error(exchange, 404, "Request for unknown model: '" + model + "' is not found");
            return;
        }
        if (request.method().equals("GET")) {
            ObjectNode meta = JSON.createObjectNode().put("name", model).put("platform", "fake");
            meta.putArray("versions").add("1");
            sendJson(exchange, 200, meta);
            return;
        }
        if (parts.length != 5 || !parts[4].equals("infer")) {
            error(exchange, 404, "no route " + request.path());
            return;
        }
        infer(exchange, model, request.body(), scenario);
    }

    private static void infer(HttpExchange exchange, String model, JsonNode body, Scenario scenario)
            throws IOException {
        switch (scenario) {
            case Scenario.RateLimited r -> {
                sendRaw(
                        exchange,
                        429,
                        "application/json",
                        errorBytes("rate limited"),
                        Map.of("Retry-After", Integer.toString(r.retryAfterSeconds())));
                return;
            }
            case Scenario.Unavailable u -> {
                sendRaw(
                        exchange,
                        503,
                        "application/json",
                        errorBytes("unavailable"),
                        Map.of("Retry-After", Integer.toString(u.retryAfterSeconds())));
                return;
            }
            case Scenario.Error e -> {
                error(exchange, e.status(), e.message());
                return;
            }
            case Scenario.SlowFirstToken slow -> pause(slow.delay());
            case Scenario.Endless endless -> {
                hold(exchange, endless);
                return;
            }
            default -> {
                // answered below
            }
        }
        JsonNode inputs = body.path("inputs");
        if (!inputs.isArray() || inputs.isEmpty()) {
            error(exchange, 400, "inference request must have at least one input");
            return;
        }
        JsonNode first = inputs.get(0);
        String problem = problemOf(first);
        if (problem != null) {
            error(exchange, 400, problem);
            return;
        }
        ObjectNode answer = JSON.createObjectNode().put("model_name", model).put("model_version", "1");
        if (body.has("id")) {
            answer.put("id", body.get("id").asText());
        }
        ArrayNode outputs = answer.putArray("outputs");
        ObjectNode out = outputs.addObject().put("name", "OUTPUT0").put("datatype", "FP32");
        out.set("shape", first.get("shape").deepCopy());
        ArrayNode data = out.putArray("data");
        first.get("data").forEach(x -> data.add(x.asDouble() * 2));
        if (scenario instanceof Scenario.Huge huge) {
            int rows = first.get("shape").get(0).asInt();
            ObjectNode extra = outputs.addObject().put("name", "OUTPUT1").put("datatype", "FP32");
            extra.putArray("shape").add(rows).add(huge.tokens());
            ArrayNode zeros = extra.putArray("data");
            for (long i = 0; i < (long) rows * huge.tokens(); i++) {
                zeros.add(0);
            }
        }
        send(exchange, JSON.writeValueAsBytes(answer), scenario);
    }

    private static void send(HttpExchange exchange, byte[] bytes, Scenario scenario) throws IOException {
        switch (scenario) {
            case Scenario.MalformedChunk ignored ->
                sendRaw(exchange, 200, "application/json", java.util.Arrays.copyOf(bytes, bytes.length / 2), Map.of());
            case Scenario.CutAfter ignored -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length * 2L);
                OutputStream stream = exchange.getResponseBody();
                stream.write(bytes, 0, bytes.length / 2);
                // Declared longer than written: closing the exchange drops the connection.
                stream.flush();
            }
            default -> sendRaw(exchange, 200, "application/json", bytes, Map.of());
        }
    }

    private static @org.jspecify.annotations.Nullable String problemOf(JsonNode tensor) {
        if (!tensor.path("name").isTextual() || !tensor.path("datatype").isTextual()) {
            return "input must have a name and a datatype";
        }
        JsonNode shape = tensor.path("shape");
        JsonNode data = tensor.path("data");
        if (!shape.isArray() || shape.isEmpty() || !data.isArray()) {
            return "input '" + tensor.path("name").asText() + "' must have a shape and flat data";
        }
        long elements = 1;
        for (JsonNode d : shape) {
            elements *= d.asLong();
        }
        if (elements != data.size()) {
            return "unexpected shape for input '" + tensor.path("name").asText() + "': expected " + elements
                    + " elements, got " + data.size();
        }
        for (JsonNode x : data) {
            if (!x.isNumber()) {
                return "input '" + tensor.path("name").asText() + "' must hold numbers";
            }
        }
        return null;
    }

    /** Holds the answer open, writing whitespace, until the client goes away. */
    private static void hold(HttpExchange exchange, Scenario.Endless endless) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        while (true) {
            out.write(' ');
            out.flush();
            pause(endless.interval());
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        sendRaw(exchange, status, "application/json", errorBytes(message), Map.of());
    }

    private static byte[] errorBytes(String message) {
        return utf8(JSON.createObjectNode().put("error", message).toString());
    }
}
