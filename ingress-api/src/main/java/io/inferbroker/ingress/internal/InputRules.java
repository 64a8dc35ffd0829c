package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.ingress.ModelInfo;
import io.inferbroker.schemas.JobKind;
import java.util.List;

/** Which kind of job an input is for a model, and the checks on that kind's OpenAI-shaped body. */
final class InputRules {
    private InputRules() {}

    static JobKind kindOf(ModelInfo model, ObjectNode input, List<Problem.FieldError> errors) {
        return switch (model.kind()) {
            case CHAT, COMPLETION -> textKind(input, errors);
            case EMBEDDING -> {
                checkEmbedding(input, errors);
                yield JobKind.EMBEDDING;
            }
            case GENERIC -> JobKind.GENERIC;
        };
    }

    private static JobKind textKind(ObjectNode input, List<Problem.FieldError> errors) {
        JsonNode maxTokens = input.get("max_tokens");
        if (maxTokens != null && (!maxTokens.isIntegralNumber() || maxTokens.asInt() < 1)) {
            errors.add(new Problem.FieldError("/input/max_tokens", "must be a positive integer"));
        }
        if (input.has("messages")) {
            checkMessages(input.get("messages"), errors);
            return JobKind.CHAT;
        }
        if (input.has("prompt")) {
            if (!input.get("prompt").isTextual()) {
                errors.add(new Problem.FieldError("/input/prompt", "must be a string"));
            }
            return JobKind.COMPLETION;
        }
        errors.add(new Problem.FieldError("/input", "must hold 'messages' (chat) or 'prompt' (completion)"));
        return JobKind.CHAT;
    }

    private static void checkMessages(JsonNode messages, List<Problem.FieldError> errors) {
        if (!messages.isArray() || messages.isEmpty()) {
            errors.add(new Problem.FieldError("/input/messages", "must be a non-empty array"));
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "/input/messages/" + i;
            if (!m.isObject() || !m.path("role").isTextual()) {
                errors.add(new Problem.FieldError(at + "/role", "is required and must be a string"));
            }
            JsonNode content = m.get("content");
            if (content == null || !(content.isTextual() || content.isArray() || content.isNull())) {
                errors.add(new Problem.FieldError(at + "/content", "must be a string or an array of content parts"));
            }
        }
    }

    private static void checkEmbedding(ObjectNode input, List<Problem.FieldError> errors) {
        JsonNode in = input.get("input");
        boolean ok = in != null && (in.isTextual() || (in.isArray() && !in.isEmpty()));
        if (!ok) {
            errors.add(new Problem.FieldError("/input/input", "must be a string or a non-empty array of strings"));
        }
    }
}
