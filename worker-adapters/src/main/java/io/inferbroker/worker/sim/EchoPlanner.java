package io.inferbroker.worker.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a job's input (OpenAI bodies without {@code model}, or any JSON for generic jobs) and
 * decides the simulator's answer:
 *
 * <ul>
 *   <li>chat {@code {messages:[{role, content}], max_tokens?}} and completion {@code {prompt,
 *       max_tokens?}}: echo the words of the last user message or of the prompt, at most
 *       {@code max_tokens} ({@value #DEFAULT_MAX_TOKENS} when absent) of them;
 *   <li>embedding {@code {input: string | [string]}}: one {@link HashEmbedding} per input;
 *   <li>generic: {@code {"echo": input}}.
 * </ul>
 *
 * Prompt tokens count the words of all input text: every message of a chat, the prompt, every
 * embedding input, every string value of a generic input.
 */
final class EchoPlanner {
    static final int DEFAULT_MAX_TOKENS = 16;
    static final String INVALID_INPUT = "invalid_input";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private EchoPlanner() {}

    static EchoPlan plan(DispatchedJob job) {
        JsonNode input = job.input();
        return switch (job.kind()) {
            case CHAT -> chat(job.jobId(), input);
            case COMPLETION -> completion(job.jobId(), input);
            case EMBEDDING -> embedding(job.jobId(), input);
            case GENERIC -> generic(job.jobId(), input);
        };
    }

    private static EchoPlan chat(String jobId, JsonNode input) {
        JsonNode messages = input.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return invalid(jobId, "a chat input needs a non-empty 'messages' array");
        }
        int promptTokens = 0;
        String lastUser = "";
        for (JsonNode message : messages) {
            String content = contentText(message.path("content"));
            promptTokens += Words.of(content).size();
            if ("user".equals(message.path("role").asText())) {
                lastUser = content;
            }
        }
        JsonNode limit = input.hasNonNull("max_completion_tokens")
                ? input.get("max_completion_tokens")
                : input.path("max_tokens");
        return text(jobId, promptTokens, lastUser, limit);
    }

    private static EchoPlan completion(String jobId, JsonNode input) {
        JsonNode prompt = input.path("prompt");
        String text;
        if (prompt.isTextual()) {
            text = prompt.asText();
        } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isTextual()) {
            text = prompt.get(0).asText();
        } else {
            return invalid(jobId, "a completion input needs a 'prompt' string");
        }
        return text(jobId, Words.countIn(prompt), text, input.path("max_tokens"));
    }

    private static EchoPlan text(String jobId, int promptTokens, String echo, JsonNode limit) {
        int maxTokens = DEFAULT_MAX_TOKENS;
        if (!limit.isMissingNode() && !limit.isNull()) {
            if (!limit.canConvertToExactIntegral() || !limit.canConvertToInt() || limit.asInt() < 0) {
                return invalid(jobId, "max_tokens must be a non-negative integer, was " + limit);
            }
            maxTokens = limit.asInt();
        }
        List<String> words = Words.of(echo);
        boolean cut = words.size() > maxTokens;
        List<String> tokens = Words.asTokens(cut ? words.subList(0, maxTokens) : words);
        return new EchoPlan.Text(jobId, promptTokens, tokens, cut ? "length" : "stop");
    }

    private static EchoPlan embedding(String jobId, JsonNode input) {
        JsonNode raw = input.path("input");
        List<String> texts = new ArrayList<>();
        if (raw.isTextual()) {
            texts.add(raw.asText());
        } else if (raw.isArray() && !raw.isEmpty()) {
            for (JsonNode item : raw) {
                if (!item.isTextual()) {
                    return invalid(jobId, "an embedding 'input' array must hold only strings");
                }
                texts.add(item.asText());
            }
        } else {
            return invalid(jobId, "an embedding input needs 'input': a string or a non-empty array of strings");
        }
        ArrayNode vectors = JSON.arrayNode();
        for (String text : texts) {
            ArrayNode vector = vectors.addArray();
            for (float v : HashEmbedding.of(text)) {
                vector.add(v);
            }
        }
        ObjectNode output = JSON.objectNode();
        output.set("embeddings", vectors);
        return new EchoPlan.Immediate(jobId, Words.countIn(raw), output);
    }

    private static EchoPlan generic(String jobId, JsonNode input) {
        ObjectNode output = JSON.objectNode();
        output.set("echo", input.deepCopy());
        return new EchoPlan.Immediate(jobId, Words.countIn(input), output);
    }

    /** Text of a message's content: a string, or the {@code text} of each part of a parts array. */
    private static String contentText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                parts.add(part.get("text").asText());
            }
        }
        return String.join(" ", parts);
    }

    private static EchoPlan invalid(String jobId, String message) {
        return new EchoPlan.Invalid(jobId, new JobError(INVALID_INPUT, message));
    }
}
