package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobKind;

/** The OpenAI-compatible endpoints: their path, the job kind they submit, and their answer's object names. */
enum OpenAiEndpoint {
    CHAT("/v1/chat/completions", "chat", JobKind.CHAT, "chatcmpl-", "chat.completion", "chat.completion.chunk"),
    COMPLETION("/v1/completions", "completion", JobKind.COMPLETION, "cmpl-", "text_completion", "text_completion"),
    EMBEDDING("/v1/embeddings", "embedding", JobKind.EMBEDDING, "", "list", "list");

    private final String path;
    private final String metricName;
    private final JobKind kind;
    private final String idPrefix;
    private final String object;
    private final String chunkObject;

    OpenAiEndpoint(String path, String metricName, JobKind kind, String idPrefix, String object, String chunkObject) {
        this.path = path;
        this.metricName = metricName;
        this.kind = kind;
        this.idPrefix = idPrefix;
        this.object = object;
        this.chunkObject = chunkObject;
    }

    public String path() {
        return path;
    }

    /** The bounded {@code endpoint} tag of this endpoint's meters. */
    public String metricName() {
        return metricName;
    }

    public JobKind kind() {
        return kind;
    }

    /** The answer's {@code id}: derived from the job id, so a caller can find the job again. */
    public String responseId(String jobId) {
        return idPrefix + jobId;
    }

    /** The {@code object} of a whole answer. */
    public String object() {
        return object;
    }

    /** The {@code object} of a streamed chunk. */
    public String chunkObject() {
        return chunkObject;
    }
}
