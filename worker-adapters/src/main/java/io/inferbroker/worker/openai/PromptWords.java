package io.inferbroker.worker.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A counted fallback for prompt tokens when the server reports none (a cut stream, a server that
 * ignores {@code include_usage}): the whitespace-separated words of the input's text. Rough next to a
 * real tokenizer, but never zero for a real prompt.
 */
final class PromptWords {
    private PromptWords() {}

    static int count(JsonNode input) {
        int words = 0;
        for (JsonNode message : input.path("messages")) {
            words += in(message.path("content"));
        }
        words += in(input.path("prompt"));
        words += in(input.path("input"));
        return words;
    }

    private static int in(JsonNode node) {
        if (node.isTextual()) {
            String s = node.asText().strip();
            return s.isEmpty() ? 0 : s.split("\\s+").length;
        }
        int words = 0;
        for (JsonNode child : node) {
            words += in(child.isObject() ? child.path("text") : child);
        }
        return words;
    }
}
