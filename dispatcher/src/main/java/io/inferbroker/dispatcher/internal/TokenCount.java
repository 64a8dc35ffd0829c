package io.inferbroker.dispatcher.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Token counts of a job's input before any model has seen it: the prompt text's characters divided
 * by 4 (rounded up), as the ingress estimates them, and the output tokens the job may produce: its
 * {@code max_tokens} or {@code max_completion_tokens}, else a configured default. Pure functions.
 */
final class TokenCount {
    private static final int CHARS_PER_TOKEN = 4;

    private TokenCount() {}

    /** Input tokens of an OpenAI-shaped body (messages, prompt or input; otherwise the whole JSON). */
    static long input(JsonNode body) {
        long chars = 0;
        long ids = 0;
        for (JsonNode message : body.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isArray()) {
                for (JsonNode part : content) {
                    chars += (part.isTextual() ? part : part.path("text"))
                            .asText("")
                            .length();
                }
            } else {
                chars += content.asText("").length();
            }
        }
        for (String field : new String[] {"prompt", "input"}) {
            JsonNode n = body.path(field);
            if (n.isTextual()) {
                chars += n.asText().length();
            } else if (n.isArray()) {
                for (JsonNode item : n) {
                    if (item.isTextual()) {
                        chars += item.asText().length();
                    } else {
                        ids++;
                    }
                }
            }
        }
        if (!body.has("messages") && !body.has("prompt") && !body.has("input")) {
            chars += body.toString().length();
        }
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + ids;
    }

    /** Output tokens a job may produce: {@code max_tokens} or {@code max_completion_tokens}, else {@code fallback}. */
    static long output(JsonNode body, long fallback) {
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            JsonNode n = body.get(field);
            if (n != null && n.isIntegralNumber() && n.asLong() >= 0) {
                return n.asLong();
            }
        }
        return fallback;
    }
}
