package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.ingress.ModelInfo;
import io.inferbroker.schemas.JobKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads OpenAI request bodies: checks what the broker needs (model, messages / prompt / input, the
 * streaming switches, token limits) and passes every other parameter through to the job. Errors
 * name the offending field by JSON pointer; answered in OpenAI's shape they become {@code param}.
 * Thread-safe.
 */
final class OpenAiRequests {
    /** Parameters for the broker, not the model server: taken out of the job's input. */
    private static final Set<String> TRANSPORT =
            Set.of("model", "stream", "stream_options", "service_tier", "metadata");

    private final Map<String, ModelInfo> models;
    private final List<String> available;

    public OpenAiRequests(List<ModelInfo> models) {
        Map<String, ModelInfo> byId = new LinkedHashMap<>();
        models.forEach(m -> byId.put(m.id(), m));
        this.models = Map.copyOf(byId);
        this.available = List.copyOf(byId.keySet());
    }

    public OpenAiRequest parse(OpenAiEndpoint endpoint, JsonNode body) {
        if (!body.isObject()) {
            throw Problems.validation(List.of(new Problem.FieldError("", "the body must be a JSON object")));
        }
        String model = model(endpoint, body);
        List<Problem.FieldError> errors = new ArrayList<>();
        switch (endpoint) {
            case CHAT -> messages(body.get("messages"), errors);
            case COMPLETION -> prompt(body.get("prompt"), errors);
            default -> embeddingInput(body.get("input"), errors);
        }
        positiveInt(body, "max_tokens", errors);
        positiveInt(body, "max_completion_tokens", errors);
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
            errors.add(new Problem.FieldError("/n", "only n=1 is supported"));
        }
        boolean stream = endpoint != OpenAiEndpoint.EMBEDDING && bool(body, "stream", errors);
        boolean includeUsage = stream && includeUsage(body.get("stream_options"), errors);
        boolean base64 = endpoint == OpenAiEndpoint.EMBEDDING && base64(body.get("encoding_format"), errors);
        int priority = priority(body.get("service_tier"), errors);
        Map<String, String> metadata = SubmitParser.metadata(body.get("metadata"), errors);
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        ObjectNode input = ((ObjectNode) body).deepCopy();
        input.remove(TRANSPORT);
        return new OpenAiRequest(endpoint, model, input, stream, includeUsage, base64, priority, metadata);
    }

    /** OpenAI's processing tiers as the broker's priorities. */
    private static int priority(@Nullable JsonNode tier, List<Problem.FieldError> errors) {
        if (tier == null || tier.isNull()) {
            return SubmitParser.PRIORITY_NORMAL;
        }
        return switch (tier.isTextual() ? tier.asText() : "") {
            case "priority" -> SubmitParser.PRIORITY_HIGH;
            case "auto", "default" -> SubmitParser.PRIORITY_NORMAL;
            case "flex" -> SubmitParser.PRIORITY_LOW;
            default -> {
                errors.add(new Problem.FieldError("/service_tier", "must be one of auto, default, flex, priority"));
                yield SubmitParser.PRIORITY_NORMAL;
            }
        };
    }

    private String model(OpenAiEndpoint endpoint, JsonNode body) {
        JsonNode m = body.get("model");
        if (m == null || !m.isTextual() || m.asText().isBlank()) {
            throw Problems.validation(List.of(new Problem.FieldError("/model", "is required: a model id string")));
        }
        ModelInfo info = models.get(m.asText());
        if (info == null) {
            throw Problems.unknownModel(m.asText(), available);
        }
        boolean fits = switch (endpoint) {
            case CHAT -> info.kind() == JobKind.CHAT;
            case COMPLETION -> info.kind() == JobKind.CHAT || info.kind() == JobKind.COMPLETION;
            case EMBEDDING -> info.kind() == JobKind.EMBEDDING;
        };
        if (!fits) {
            throw Problems.modelNotSupported(info.id(), endpoint.path());
        }
        return info.id();
    }

    private static void messages(@Nullable JsonNode messages, List<Problem.FieldError> errors) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            errors.add(new Problem.FieldError("/messages", "is required: a non-empty array of messages"));
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "/messages/" + i;
            if (!m.isObject()) {
                errors.add(new Problem.FieldError(at, "must be an object with role and content"));
                continue;
            }
            if (!m.path("role").isTextual()) {
                errors.add(new Problem.FieldError(at + "/role", "is required and must be a string"));
            }
            JsonNode content = m.get("content");
            if (content != null && !(content.isTextual() || content.isArray() || content.isNull())) {
                errors.add(new Problem.FieldError(at + "/content", "must be a string or an array of content parts"));
            }
        }
    }

    private static void prompt(@Nullable JsonNode prompt, List<Problem.FieldError> errors) {
        boolean ok =
                prompt != null && (prompt.isTextual() || (prompt.isArray() && !prompt.isEmpty() && allText(prompt)));
        if (!ok) {
            errors.add(new Problem.FieldError("/prompt", "is required: a string or a non-empty array of strings"));
        }
    }

    private static void embeddingInput(@Nullable JsonNode in, List<Problem.FieldError> errors) {
        boolean ok = in != null && (in.isTextual() || (in.isArray() && !in.isEmpty() && allText(in)));
        if (!ok) {
            errors.add(new Problem.FieldError("/input", "is required: a string or a non-empty array of strings"));
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static void positiveInt(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1)) {
            errors.add(new Problem.FieldError("/" + field, "must be a positive integer"));
        }
    }

    private static boolean bool(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            errors.add(new Problem.FieldError("/" + field, "must be true or false"));
            return false;
        }
        return v.asBoolean();
    }

    private static boolean includeUsage(@Nullable JsonNode options, List<Problem.FieldError> errors) {
        if (options == null || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            errors.add(new Problem.FieldError("/stream_options", "must be an object"));
            return false;
        }
        JsonNode usage = options.get("include_usage");
        if (usage != null && !usage.isNull() && !usage.isBoolean()) {
            errors.add(new Problem.FieldError("/stream_options/include_usage", "must be true or false"));
            return false;
        }
        return usage != null && usage.asBoolean();
    }

    private static boolean base64(@Nullable JsonNode format, List<Problem.FieldError> errors) {
        if (format == null || format.isNull()) {
            return false;
        }
        return switch (format.asText()) {
            case "float" -> false;
            case "base64" -> true;
            default -> {
                errors.add(new Problem.FieldError("/encoding_format", "must be 'float' or 'base64'"));
                yield false;
            }
        };
    }
}
