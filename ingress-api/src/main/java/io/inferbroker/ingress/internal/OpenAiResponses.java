package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Translates a job's outcome into OpenAI's answer shapes: {@code chat.completion},
 * {@code text_completion}, a {@code list} of {@code embedding} objects, and the chunks of a
 * streamed answer. A text job's output is {@code {"text", "finish_reason"}}, an embedding job's
 * {@code {"embeddings": [[...], ...]}}. The answer's {@code id} is derived from the job id. Pure;
 * thread-safe.
 */
final class OpenAiResponses {
    private final ObjectMapper mapper;

    public OpenAiResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Compact JSON text of an answer or chunk, decimals written plainly. */
    public String write(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an OpenAI answer", e);
        }
    }

    /** OpenAI's error body for a problem, as sent in an error event of a stream. */
    public ObjectNode error(Problem problem) {
        return OpenAiErrors.of(problem).toJson(mapper);
    }

    /** The generated text of a succeeded text job. */
    public static String text(JobResult result) {
        JsonNode output = result.output();
        return output == null ? "" : output.path("text").asText("");
    }

    /** Why generation stopped ({@code stop}, {@code length}); {@code stop} when not reported. */
    public static String finishReason(JobResult result) {
        JsonNode output = result.output();
        String reason = output == null ? "" : output.path("finish_reason").asText("");
        return reason.isEmpty() ? "stop" : reason;
    }

    /** The whole answer to a non-streaming request whose job succeeded. */
    public ObjectNode answer(OpenAiRequest request, JobResult result, long created) {
        return switch (request.endpoint()) {
            case CHAT -> {
                ObjectNode o = head(request, result.jobId(), request.endpoint().object(), created);
                ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
                choice.putObject("message")
                        .put("role", "assistant")
                        .put("content", text(result))
                        .putNull("refusal");
                choice.putNull("logprobs");
                choice.put("finish_reason", finishReason(result));
                usage(o.putObject("usage"), result.usage());
                o.putNull("system_fingerprint");
                yield o;
            }
            case COMPLETION -> {
                ObjectNode o = head(request, result.jobId(), request.endpoint().object(), created);
                ObjectNode choice = o.putArray("choices").addObject();
                choice.put("text", text(result)).put("index", 0).putNull("logprobs");
                choice.put("finish_reason", finishReason(result));
                usage(o.putObject("usage"), result.usage());
                yield o;
            }
            case EMBEDDING -> embeddings(request, result);
        };
    }

    private ObjectNode embeddings(OpenAiRequest request, JobResult result) {
        ObjectNode o = mapper.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        JsonNode vectors = result.output() == null
                ? mapper.createArrayNode()
                : result.output().path("embeddings");
        int index = 0;
        for (JsonNode vector : vectors) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", index++);
            if (request.base64()) {
                item.put("embedding", base64(vector));
            } else {
                item.set("embedding", vector);
            }
        }
        o.put("model", request.model());
        int prompt = result.usage() == null ? 0 : result.usage().promptTokens();
        o.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt);
        return o;
    }

    /** OpenAI's base64 embedding: the vector as little-endian float32, base64-encoded. */
    static String base64(JsonNode vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        vector.forEach(v -> bytes.putFloat(v.floatValue()));
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /**
     * A streamed delta: text for a chat or completion chunk; the first chat chunk carries the role.
     */
    public ObjectNode chunk(OpenAiRequest request, String jobId, long created, boolean first, String text) {
        return streamed(request, jobId, created, first, text, null);
    }

    /** The last content chunk: an empty delta with the finish reason. */
    public ObjectNode finalChunk(OpenAiRequest request, String jobId, long created, boolean first, String reason) {
        return streamed(request, jobId, created, first, null, reason);
    }

    /** The chunk after the last one when {@code stream_options.include_usage} is set: no choices, the usage. */
    public ObjectNode usageChunk(OpenAiRequest request, String jobId, long created, @Nullable Usage usage) {
        ObjectNode o = head(request, jobId, request.endpoint().chunkObject(), created);
        o.putArray("choices");
        usage(o.putObject("usage"), usage);
        return o;
    }

    private ObjectNode streamed(
            OpenAiRequest request,
            String jobId,
            long created,
            boolean first,
            @Nullable String text,
            @Nullable String reason) {
        ObjectNode o = head(request, jobId, request.endpoint().chunkObject(), created);
        ObjectNode choice = o.putArray("choices").addObject();
        if (request.endpoint() == OpenAiEndpoint.CHAT) {
            choice.put("index", 0);
            ObjectNode delta = choice.putObject("delta");
            if (first) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            choice.put("text", text == null ? "" : text).put("index", 0);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", reason);
        if (request.endpoint() == OpenAiEndpoint.CHAT) {
            o.putNull("system_fingerprint");
        }
        if (request.includeUsage()) {
            o.putNull("usage");
        }
        return o;
    }

    private ObjectNode head(OpenAiRequest request, String jobId, String object, long created) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", request.endpoint().responseId(jobId));
        o.put("object", object);
        o.put("created", created);
        o.put("model", request.model());
        return o;
    }

    private static void usage(ObjectNode o, @Nullable Usage usage) {
        int prompt = usage == null ? 0 : usage.promptTokens();
        int completion = usage == null ? 0 : usage.completionTokens();
        o.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }
}
