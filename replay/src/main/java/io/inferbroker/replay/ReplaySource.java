package io.inferbroker.replay;

import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;

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

    /** How long a replay's reader waits for Kafka's metadata and offsets before giving up. */
    public static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The settings a replay reads this source with: read-only (no group, no commits, no topic
     * created), committed records only, and large fetches without CRC checks, since a replay reads
     * whole topics from a point onwards as fast as it can decode them.
     */
    public Properties consumerSettings() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "broker-replay");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(1024 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(4 * 1024 * 1024));
        p.put(ConsumerConfig.CHECK_CRCS_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(API_TIMEOUT.toMillis()));
        return p;
    }
}
