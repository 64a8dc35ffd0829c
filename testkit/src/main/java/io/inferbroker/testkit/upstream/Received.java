package io.inferbroker.testkit.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request a fake model server received.
 *
 * @param headers request headers by lower-case name (first value only)
 * @param body the parsed JSON body; a missing node when there was none or it was not JSON
 */
public record Received(String method, String path, Map<String, String> headers, JsonNode body) {
    public Received {
        headers = Map.copyOf(headers);
    }

    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
