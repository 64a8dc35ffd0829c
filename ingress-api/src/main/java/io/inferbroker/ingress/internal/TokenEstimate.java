package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The token count admission charges a submission before any model has seen it: the prompt text's
 * length in characters divided by 4, rounded up, plus the completion tokens asked for ({@code
 * max_tokens} or {@code max_completion_tokens}; 16 when absent, as OpenAI's completions default).
 *
 * <p>The prompt text is every string in {@code messages[].content} (or the {@code text} of its
 * content parts), in {@code prompt}, and in {@code input}; token-id arrays count one token per id.
 * An embedding input (an {@code input} without {@code messages} or {@code prompt}) generates no
 * tokens, so nothing is added for completion. A body with none of these fields (a generic model's
 * input) counts its whole JSON text. The body is the OpenAI-shaped object: a job's {@code input}, or
 * the body of an OpenAI-compatible request. Four characters per token is the usual rule of thumb for
 * English; the real counts come from the model server with the result.
 */
final class TokenEstimate {
    /** Completion tokens charged when the request does not say how many it wants. */
    public static final int DEFAULT_MAX_TOKENS = 16;

    private static final int CHARS_PER_TOKEN = 4;

    private TokenEstimate() {}

    /** The estimate for one OpenAI-shaped body; never negative. */
    public static long of(JsonNode body) {
        Count count = new Count();
        boolean messages = body.has("messages");
        boolean prompt = body.has("prompt");
        boolean input = body.has("input");
        for (JsonNode message : body.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isArray()) {
                content.forEach(part -> count.text(part.isTextual() ? part : part.path("text")));
            } else {
                count.text(content);
            }
        }
        count.textOrList(body.path("prompt"));
        count.textOrList(body.path("input"));
        if (!messages && !prompt && !input) {
            count.chars += body.toString().length();
        }
        long completion = completion(body, input && !messages && !prompt);
        return ceilDiv(count.chars, CHARS_PER_TOKEN) + count.tokens + completion;
    }

    private static long completion(JsonNode body, boolean embedding) {
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            JsonNode n = body.get(field);
            if (n != null && n.isIntegralNumber() && n.asLong() >= 0) {
                return n.asLong();
            }
        }
        return embedding ? 0 : DEFAULT_MAX_TOKENS;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Characters of text and tokens given as ids, summed over a body. */
    private static final class Count {
        long chars;
        long tokens;

        void text(JsonNode n) {
            if (n.isTextual()) {
                chars += n.asText().length();
            }
        }

        /** A string, a list of strings, a token-id list, or a list of token-id lists. */
        void textOrList(JsonNode n) {
            if (n.isIntegralNumber()) {
                tokens++;
            } else if (n.isArray()) {
                n.forEach(this::textOrList);
            } else {
                text(n);
            }
        }
    }
}
