package io.inferbroker.schemas;

/** Tokens a job consumed: from the model server, or counted when a stream was cut. */
public record Usage(int promptTokens, int completionTokens) {
    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
