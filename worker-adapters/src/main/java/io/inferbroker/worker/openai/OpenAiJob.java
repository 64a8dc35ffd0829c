package io.inferbroker.worker.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.Usage;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.TokenSink;
import io.inferbroker.worker.http.EndpointConfig;
import io.inferbroker.worker.internal.UpstreamCall;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One job on an OpenAI-compatible server, run on its own virtual thread: builds the request from
 * the job's input, streams (or reads) the answer, forwards tokens and completes the job's future
 * with its outcome. A stream counts as complete only with {@code data: [DONE]} or a finish reason
 * followed by a clean end; anything else is {@code upstream_stream_cut} with the tokens counted so
 * far, never a success.
 */
final class OpenAiJob implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final DispatchedJob job;
    private final String upstreamModel;
    private final EndpointConfig config;
    private final UpstreamCall call;
    private final TokenSink sink;
    private final java.util.concurrent.CompletableFuture<JobOutcome> future;
    private final StringBuilder text = new StringBuilder();
    private int tokens;
    private @Nullable String finishReason;
    private @Nullable Usage usage;

    OpenAiJob(
            DispatchedJob job,
            String upstreamModel,
            EndpointConfig config,
            UpstreamCall call,
            TokenSink sink,
            java.util.concurrent.CompletableFuture<JobOutcome> future) {
        this.job = job;
        this.upstreamModel = upstreamModel;
        this.config = config;
        this.call = call;
        this.sink = sink;
        this.future = future;
    }

    @Override
    public void run() {
        JobOutcome outcome;
        try (call) {
            if (!job.input().isObject()) {
                outcome = JobOutcome.failed("invalid_input", "an OpenAI-compatible job's input must be a JSON object");
            } else {
                outcome = switch (job.kind()) {
                    case CHAT, COMPLETION -> config.streaming() ? stream() : whole();
                    case EMBEDDING -> embed();
                    case GENERIC ->
                        JobOutcome.failed(
                                "unsupported_kind",
                                "an OpenAI-compatible server runs chat, completion and embedding jobs");
                };
            }
        } catch (RuntimeException e) {
            outcome = new JobOutcome.Failed(new JobError("adapter_error", e.toString()), partialUsage());
        }
        future.complete(outcome);
    }

    private boolean chat() {
        return job.kind() == JobKind.CHAT;
    }

    private String path() {
        return switch (job.kind()) {
            case CHAT -> "/chat/completions";
            case COMPLETION -> "/completions";
            case EMBEDDING, GENERIC -> "/embeddings";
        };
    }

    private ObjectNode body(boolean stream) {
        ObjectNode body = ((ObjectNode) job.input()).deepCopy();
        body.put("model", upstreamModel);
        if (job.kind() == JobKind.EMBEDDING) {
            return body;
        }
        body.put("stream", stream);
        if (stream) {
            JsonNode options = body.path("stream_options");
            ObjectNode merged = options.isObject() ? (ObjectNode) options : body.putObject("stream_options");
            body.set("stream_options", merged.put("include_usage", true));
        } else {
            body.remove("stream_options");
        }
        return body;
    }

    private HttpRequest request(byte[] body, boolean stream) {
        String base = config.baseUrl().toString().replaceAll("/+$", "");
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path()))
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.apiKey().isPresent()) {
            builder.header("Authorization", "Bearer " + config.apiKey().value());
        }
        return builder.build();
    }

    private UpstreamCall.Opened open(boolean stream) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(body(stream));
        } catch (IOException e) {
            return new UpstreamCall.Opened.Refused(new JobError("invalid_input", e.getMessage()));
        }
        return call.open(() -> request(body, stream));
    }

    /** Streams, opening the stream again when it broke before its first token (nothing was sent on yet). */
    private JobOutcome stream() {
        for (int attempt = 1; ; attempt++) {
            JobOutcome outcome = streamOnce();
            boolean cutBeforeFirstToken = outcome instanceof JobOutcome.Failed failed
                    && failed.error().code().equals("upstream_stream_cut")
                    && tokens == 0;
            if (!cutBeforeFirstToken
                    || attempt >= config.maxAttempts()
                    || call.abortReason().isPresent()) {
                return outcome;
            }
            usage = null;
            finishReason = null;
        }
    }

    private JobOutcome streamOnce() {
        InputStream in;
        switch (open(true)) {
            case UpstreamCall.Opened.Refused r -> {
                return new JobOutcome.Failed(r.error(), null);
            }
            case UpstreamCall.Opened.Ok ok -> in = ok.body();
        }
        boolean done = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            SseEvents events = new SseEvents(reader);
            for (String data = events.next(); data != null; data = events.next()) {
                if (data.strip().equals("[DONE]")) {
                    done = true;
                    break;
                }
                JobError error = apply(data);
                if (error != null) {
                    return new JobOutcome.Failed(error, partialUsage());
                }
            }
        } catch (IOException e) {
            return cut("broke after " + tokens + " tokens: " + e.getMessage());
        }
        if (call.abortReason().isPresent()) {
            return new JobOutcome.Failed(call.abortReason().get(), partialUsage());
        }
        if (!done && finishReason == null) {
            return cut("ended after " + tokens + " tokens without a finish reason or [DONE]");
        }
        return succeeded();
    }

    /** Applies one chunk; returns the error that ends the job, if any. */
    private @Nullable JobError apply(String data) {
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (IOException e) {
            return new JobError(
                    "upstream_malformed", "the model server sent a chunk that is not JSON after " + tokens + " tokens");
        }
        call.progress();
        if (chunk.has("error") && !chunk.get("error").isNull()) {
            JsonNode error = chunk.get("error");
            String message = error.path("message").asText(error.asText(error.toString()));
            return new JobError("upstream_error", "the model server reported an error mid-stream: " + message);
        }
        readUsage(chunk.path("usage"));
        // vLLM sends its usage chunk with "choices": null; others with [] or none at all.
        for (JsonNode choice : chunk.path("choices")) {
            int index = choice.path("index").asInt(0);
            JsonNode piece = chat() ? choice.path("delta").path("content") : choice.path("text");
            if (piece.isTextual() && !piece.asText().isEmpty()) {
                String token = piece.asText();
                sink.token(job.jobId(), index, token);
                tokens++;
                if (index == 0) {
                    text.append(token);
                }
            }
            if (choice.path("finish_reason").isTextual() && index == 0) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
        return null;
    }

    private void readUsage(JsonNode node) {
        if (node.isObject() && node.path("prompt_tokens").canConvertToInt()) {
            usage = new Usage(
                    Math.max(0, node.path("prompt_tokens").asInt()),
                    Math.max(0, node.path("completion_tokens").asInt()));
        }
    }

    private JobOutcome whole() {
        JsonNode answer;
        switch (readAll(open(false))) {
            case Read.Failed f -> {
                return new JobOutcome.Failed(f.error(), null);
            }
            case Read.Json j -> answer = j.root();
        }
        JsonNode choice = answer.path("choices").path(0);
        JsonNode content = chat() ? choice.path("message").path("content") : choice.path("text");
        if (!content.isTextual()) {
            return JobOutcome.failed("upstream_malformed", "the model server's answer has no text in choices[0]");
        }
        call.progress();
        if (!content.asText().isEmpty()) {
            sink.token(job.jobId(), 0, content.asText());
            tokens++;
            text.append(content.asText());
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").asText();
        }
        readUsage(answer.path("usage"));
        return succeeded();
    }

    private JobOutcome embed() {
        JsonNode answer;
        switch (readAll(open(false))) {
            case Read.Failed f -> {
                return new JobOutcome.Failed(f.error(), null);
            }
            case Read.Json j -> answer = j.root();
        }
        List<JsonNode> items = new ArrayList<>();
        answer.path("data").forEach(items::add);
        if (items.isEmpty() || items.stream().anyMatch(i -> !i.path("embedding").isArray())) {
            return JobOutcome.failed("upstream_malformed", "the model server's answer has no embeddings in data");
        }
        items.sort(Comparator.comparingInt(i -> i.path("index").asInt()));
        ObjectNode output = JSON.createObjectNode();
        ArrayNode vectors = output.putArray("embeddings");
        items.forEach(i -> vectors.add(i.get("embedding")));
        JsonNode u = answer.path("usage");
        int prompt = u.path("prompt_tokens").canConvertToInt()
                ? u.path("prompt_tokens").asInt()
                : PromptWords.count(job.input());
        return new JobOutcome.Succeeded(output, new Usage(Math.max(0, prompt), 0));
    }

    private sealed interface Read {
        record Json(JsonNode root) implements Read {}

        record Failed(JobError error) implements Read {}
    }

    private Read readAll(UpstreamCall.Opened opened) {
        return switch (opened) {
            case UpstreamCall.Opened.Refused r -> new Read.Failed(r.error());
            case UpstreamCall.Opened.Ok ok -> {
                try (InputStream in = ok.body()) {
                    yield new Read.Json(JSON.readTree(in.readAllBytes()));
                } catch (IOException e) {
                    yield new Read.Failed(call.abortReason()
                            .orElseGet(() -> e instanceof JsonProcessingException
                                    ? new JobError("upstream_malformed", "the model server's answer is not JSON")
                                    : new JobError(
                                            "upstream_stream_cut",
                                            "the answer from the model server broke off: " + e.getMessage())));
                }
            }
        };
    }

    private JobOutcome cut(String how) {
        JobError error = call.abortReason()
                .orElseGet(() -> new JobError(
                        "upstream_stream_cut", "the stream from the model server at " + config.baseUrl() + " " + how));
        return new JobOutcome.Failed(error, partialUsage());
    }

    private JobOutcome succeeded() {
        ObjectNode output = JSON.createObjectNode();
        output.put("text", text.toString());
        output.put("finish_reason", finishReason == null ? "stop" : finishReason);
        Usage counted = usage != null ? usage : new Usage(PromptWords.count(job.input()), tokens);
        return new JobOutcome.Succeeded(output, counted);
    }

    /** Tokens used so far: the server's count when it sent one, else prompt words and tokens seen. */
    private Usage partialUsage() {
        return new Usage(usage != null ? usage.promptTokens() : PromptWords.count(job.input()), tokens);
    }
}
