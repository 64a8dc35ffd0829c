package io.inferbroker.testkit.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fake OpenAI-compatible model server (vLLM style) on 127.0.0.1: {@code POST /v1/chat/completions},
 * {@code /v1/completions} (streaming or not) and {@code /v1/embeddings}, {@code GET /v1/models} and
 * {@code /health}. It echoes the words of the last user message or of the prompt, at most {@code
 * max_tokens} of them (16 when absent), one word per token; prompt tokens are the words of the
 * input. Streams end with a usage chunk only when {@code stream_options.include_usage} asked for one.
 * Quirks of real servers are chosen with a {@link Dialect}; failures with {@link Scenario}s.
 *
 * <p>Thread-safe; close it to stop.
 */
public final class FakeOpenAiServer extends FakeServer {
    static final int DEFAULT_MAX_TOKENS = 16;

    /**
     * Wire quirks of a server's SSE stream.
     *
     * @param crlf lines end with CRLF instead of LF
     * @param comments a {@code : ping} comment before the first chunk and between tokens
     * @param finishReason the last chunk carries {@code finish_reason} (some servers never send one)
     * @param usageChoicesNull the usage chunk has {@code "choices": null} (vLLM) rather than {@code []}
     */
    public record Dialect(boolean crlf, boolean comments, boolean finishReason, boolean usageChoicesNull) {
        /** vLLM: LF, a usage chunk with {@code choices: null}, finish reasons. */
        public static final Dialect VLLM = new Dialect(false, false, true, true);

        /** Everything odd at once: CRLF, comments, no finish reason, usage chunk with empty choices. */
        public static final Dialect QUIRKY = new Dialect(true, true, false, false);
    }

    private final Dialect dialect;
    private final Set<String> models;

    private FakeOpenAiServer(Dialect dialect, Set<String> models) {
        this.dialect = dialect;
        this.models = Set.copyOf(models);
    }

    /** A server in the vLLM dialect that serves any model name. */
    public static FakeOpenAiServer start() {
        return new FakeOpenAiServer(Dialect.VLLM, Set.of());
    }

    /**
     * @param models model names it serves; a request for another answers 404 (none = any name)
     */
    public static FakeOpenAiServer start(Dialect dialect, String... models) {
        return new FakeOpenAiServer(dialect, Set.of(models));
    }

    /** The base URL clients append {@code /chat/completions} to: {@code http://127.0.0.1:port/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    @Override
    void handle(HttpExchange exchange, Received request, Scenario scenario) throws IOException {
        String path = request.path();
        if (request.method().equals("GET")) {
            if (path.equals("/health")) {
                sendRaw(exchange, 200, "text/plain", new byte[0], Map.of());
            } else if (path.equals("/v1/models")) {
                ObjectNode list = JSON.createObjectNode().put("object", "list");
                ArrayNode data = list.putArray("data");
                models.forEach(m -> data.addObject().put("id", m).put("object", "model"));
                sendJson(exchange, 200, list);
            } else {
                error(exchange, 404, "no route " + path, "not_found");
            }
            return;
        }
        if (!answersFailure(exchange, scenario)) {
            return;
        }
        String model = request.body().path("model").asText("");
        if (!models.isEmpty() && !models.contains(model)) {
            error(exchange, 404, "The model `" + model + "` does not exist.", "model_not_found");
            return;
        }
        switch (path) {
            case "/v1/chat/completions" -> text(exchange, request.body(), scenario, true);
            case "/v1/completions" -> text(exchange, request.body(), scenario, false);
            case "/v1/embeddings" -> embeddings(exchange, request.body(), scenario);
            default -> error(exchange, 404, "no route " + path, "not_found");
        }
    }

    /** Answers the failures that need no body; true when the request should go on. */
    private static boolean answersFailure(HttpExchange exchange, Scenario scenario) throws IOException {
        switch (scenario) {
            case Scenario.RateLimited r -> {
                sendRaw(
                        exchange,
                        429,
                        "application/json",
                        errorBody("rate limited", "rate_limit_exceeded"),
                        Map.of("Retry-After", Integer.toString(r.retryAfterSeconds())));
                return false;
            }
            case Scenario.Unavailable u -> {
                sendRaw(
                        exchange,
                        503,
                        "application/json",
                        errorBody("overloaded", "server_overloaded"),
                        Map.of("Retry-After", Integer.toString(u.retryAfterSeconds())));
                return false;
            }
            case Scenario.Error e -> {
                error(exchange, e.status(), e.message(), "server_error");
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private void text(HttpExchange exchange, JsonNode body, Scenario scenario, boolean chat) throws IOException {
        String prompt;
        int promptTokens;
        if (chat) {
            prompt = "";
            promptTokens = 0;
            for (JsonNode m : body.path("messages")) {
                String content = m.path("content").asText("");
                promptTokens += tokens(content).size();
                if (m.path("role").asText().equals("user")) {
                    prompt = content;
                }
            }
        } else {
            prompt = body.path("prompt").isArray()
                    ? body.path("prompt").path(0).asText("")
                    : body.path("prompt").asText("");
            promptTokens = tokens(prompt).size();
        }
        List<String> all = tokens(prompt);
        int max =
                body.path("max_tokens").asInt(body.path("max_completion_tokens").asInt(DEFAULT_MAX_TOKENS));
        List<String> out = new ArrayList<>(all.subList(0, Math.min(max, all.size())));
        String finish = out.size() < all.size() ? "length" : "stop";
        if (scenario instanceof Scenario.Huge huge) {
            out.clear();
            for (int i = 0; i < huge.tokens(); i++) {
                out.add(i == 0 ? "w0" : " w" + i);
            }
            finish = "length";
        }
        String model = body.path("model").asText("");
        if (body.path("stream").asBoolean(false)) {
            boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
            new SseAnswer(exchange, dialect, chat, model, scenario).stream(out, finish, usage ? promptTokens : -1);
        } else {
            if (scenario instanceof Scenario.SlowFirstToken slow) {
                pause(slow.delay());
            }
            sendJson(exchange, 200, complete(chat, model, String.join("", out), finish, promptTokens, out.size()));
        }
    }

    private static ObjectNode complete(
            boolean chat, String model, String text, String finish, int promptTokens, int completionTokens) {
        ObjectNode root = JSON.createObjectNode()
                .put("id", chat ? "chatcmpl-fake" : "cmpl-fake")
                .put("object", chat ? "chat.completion" : "text_completion")
                .put("created", 1_700_000_000)
                .put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("message").put("role", "assistant").put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.put("finish_reason", finish);
        root.set("usage", usage(promptTokens, completionTokens));
        return root;
    }

    static ObjectNode usage(int prompt, int completion) {
        return JSON.createObjectNode()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    private static void embeddings(HttpExchange exchange, JsonNode body, Scenario scenario) throws IOException {
        if (scenario instanceof Scenario.SlowFirstToken slow) {
            pause(slow.delay());
        }
        JsonNode input = body.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            input.forEach(t -> texts.add(t.asText()));
        }
        if (texts.isEmpty()) {
            error(exchange, 400, "input must not be empty", "invalid_request_error");
            return;
        }
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        int promptTokens = 0;
        // Answered in reverse order: clients must sort by index, as OpenAI's docs ask.
        for (int i = texts.size() - 1; i >= 0; i--) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode vector = item.putArray("embedding");
            int h = texts.get(i).hashCode();
            for (int d = 0; d < 4; d++) {
                vector.add(((h >>> (d * 8)) & 0xff) / 255.0);
            }
            promptTokens += tokens(texts.get(i)).size();
        }
        root.put("model", body.path("model").asText(""));
        root.set(
                "usage",
                JSON.createObjectNode().put("prompt_tokens", promptTokens).put("total_tokens", promptTokens));
        sendJson(exchange, 200, root);
    }

    private static void error(HttpExchange exchange, int status, String message, String code) throws IOException {
        sendRaw(exchange, status, "application/json", errorBody(message, code), Map.of());
    }

    private static byte[] errorBody(String message, String code) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error")
                .put("message", message)
                .put("type", "invalid_request_error")
                .putNull("param")
                .put("code", code);
        return utf8(root.toString());
    }

    /** Writes one SSE stream. */
    private static final class SseAnswer {
        private final HttpExchange exchange;
        private final Dialect dialect;
        private final boolean chat;
        private final String model;
        private final Scenario scenario;
        private final String eol;

        SseAnswer(HttpExchange exchange, Dialect dialect, boolean chat, String model, Scenario scenario) {
            this.exchange = exchange;
            this.dialect = dialect;
            this.chat = chat;
            this.model = model;
            this.scenario = scenario;
            this.eol = dialect.crlf() ? "\r\n" : "\n";
        }

        /** @param promptTokens prompt tokens for the usage chunk; negative for none */
        void stream(List<String> tokens, String finish, int promptTokens) throws IOException {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            if (scenario instanceof Scenario.CutAfter) {
                // A declared length never reached: closing early cuts the connection mid-stream.
                exchange.sendResponseHeaders(200, 1L << 40);
            } else {
                exchange.sendResponseHeaders(200, 0);
            }
            OutputStream out = exchange.getResponseBody();
            if (scenario instanceof Scenario.SlowFirstToken slow) {
                pause(slow.delay());
            }
            if (dialect.comments()) {
                write(out, ": ping" + eol + eol);
            }
            if (chat) {
                write(out, event(chunk("", true, null)));
            }
            int sent = 0;
            if (scenario instanceof Scenario.Endless endless) {
                while (true) {
                    write(out, event(chunk(sent == 0 ? "t0" : " t" + sent, false, null)));
                    sent++;
                    pause(endless.interval());
                }
            }
            for (String token : tokens) {
                if (scenario instanceof Scenario.CutAfter cut && sent == cut.tokens()) {
                    cut(out);
                    return;
                }
                if (scenario instanceof Scenario.MalformedChunk bad && sent == bad.tokens()) {
                    write(out, "data: {\"id\":\"x\",\"choices\":[{\"delta\":" + eol + eol);
                }
                write(out, event(chunk(token, false, null)));
                if (dialect.comments()) {
                    write(out, ": ping" + eol + eol);
                }
                sent++;
            }
            if (scenario instanceof Scenario.CutAfter) {
                cut(out);
                return;
            }
            write(out, event(chunk("", false, dialect.finishReason() ? finish : null)));
            if (promptTokens >= 0) {
                ObjectNode usage = base();
                if (dialect.usageChoicesNull()) {
                    usage.putNull("choices");
                } else {
                    usage.putArray("choices");
                }
                usage.set("usage", usage(promptTokens, tokens.size()));
                write(out, event(usage.toString()));
            }
            write(out, "data: [DONE]" + eol + eol);
            out.close();
        }

        /**
         * Leaves the answer short of its declared length: when the exchange closes, the server drops
         * the connection instead of ending the body.
         */
        private void cut(OutputStream out) throws IOException {
            out.flush();
        }

        private ObjectNode base() {
            return JSON.createObjectNode()
                    .put("id", chat ? "chatcmpl-fake" : "cmpl-fake")
                    .put("object", chat ? "chat.completion.chunk" : "text_completion")
                    .put("created", 1_700_000_000)
                    .put("model", model);
        }

        private String chunk(String text, boolean first, @org.jspecify.annotations.Nullable String finish) {
            ObjectNode root = base();
            ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
            if (chat) {
                ObjectNode delta = choice.putObject("delta");
                if (first) {
                    delta.put("role", "assistant");
                }
                delta.put("content", text);
            } else {
                choice.put("text", text);
            }
            choice.putNull("logprobs");
            if (finish == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finish);
            }
            return root.toString();
        }

        private String event(String data) {
            return "data: " + data + eol + eol;
        }

        private static void write(OutputStream out, String s) throws IOException {
            out.write(utf8(s));
            out.flush();
        }
    }
}
