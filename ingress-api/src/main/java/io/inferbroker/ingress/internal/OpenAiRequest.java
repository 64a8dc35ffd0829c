package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated OpenAI-compatible request.
 *
 * @param input the job's input: the request body without {@code model}, {@code stream} and
 *     {@code stream_options}; every other parameter passes through, known or not
 * @param stream true when the caller asked for Server-Sent Events
 * @param includeUsage true when a streamed answer ends with a usage chunk
 * @param base64 true when embeddings are to be answered base64-encoded (little-endian float32)
 */
public record OpenAiRequest(
        OpenAiEndpoint endpoint,
        String model,
        ObjectNode input,
        boolean stream,
        boolean includeUsage,
        boolean base64) {}
