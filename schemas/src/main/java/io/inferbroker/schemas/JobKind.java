package io.inferbroker.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The shape of a job's input: one of OpenAI's bodies, or free JSON for non-LLM models. */
public enum JobKind {
    @JsonProperty("chat")
    CHAT,
    @JsonProperty("completion")
    COMPLETION,
    @JsonProperty("embedding")
    EMBEDDING,
    @JsonProperty("generic")
    GENERIC
}
