package io.inferbroker.replay;

import io.inferbroker.schemas.TopicNames;

/**
 * Where a replay reads: the Kafka bootstrap servers and the deployment's topic names.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 */
public record ReplaySource(String bootstrapServers, TopicNames topics) {
    public ReplaySource {
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers must not be empty");
        }
    }
}
