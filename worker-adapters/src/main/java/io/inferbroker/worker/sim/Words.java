package io.inferbroker.worker.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The simulator's tokenizer: a token is a run of non-whitespace characters. Crude next to a real
 * BPE tokenizer, but simple to predict, which is what tests and demos need.
 */
final class Words {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Words() {}

    /** The words of {@code text}, in order. */
    static List<String> of(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : List.of(WHITESPACE.split(stripped));
    }

    /** The echo of {@code words} as streamed tokens: the first word plain, the others after a space. */
    static List<String> asTokens(List<String> words) {
        List<String> tokens = new ArrayList<>(words.size());
        for (int i = 0; i < words.size(); i++) {
            tokens.add(i == 0 ? words.get(i) : " " + words.get(i));
        }
        return tokens;
    }

    /** Words in every string value anywhere inside {@code node} (object keys do not count). */
    static int countIn(JsonNode node) {
        if (node.isTextual()) {
            return of(node.asText()).size();
        }
        int count = 0;
        for (JsonNode child : node) {
            count += countIn(child);
        }
        return count;
    }
}
