package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A validated OpenAI-compatible request.
 *
 * @param input the job's input: the request body without {@code model}, {@code stream} and
 *     {@code stream_options}; every other parameter passes through, known or not
 * @param stream true when the caller asked for Server-Sent Events
 * @param includeUsage true when a streamed answer ends with a usage chunk
 * @param base64 true when embeddings are to be answered base64-encoded (little-endian float32)
 * @param priority the job's priority, from OpenAI's {@code service_tier}: {@code priority} is high,
 *     {@code flex} low, {@code auto} / {@code default} / absent normal
 * @param metadata the job's metadata, from OpenAI's {@code metadata}
 */
record OpenAiRequest(
        OpenAiEndpoint endpoint,
        String model,
        ObjectNode input,
        boolean stream,
        boolean includeUsage,
        boolean base64,
        int priority,
        Map<String, String> metadata) {

    public OpenAiRequest {
        metadata = Map.copyOf(metadata);
    }
}
