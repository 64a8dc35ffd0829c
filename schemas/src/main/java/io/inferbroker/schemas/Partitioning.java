package io.inferbroker.schemas;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Where records about one model go: every writer of requests for a model (its routing key: the model,
 * or the first of its fallback group) picks the same partition, so the dispatcher task that owns the
 * model's queue reads them without a repartition. The same hash as Kafka's default partitioner of a
 * keyed record (murmur2 of the UTF-8 key).
 */
public final class Partitioning {
    private Partitioning() {}

    /**
     * @param routingKey the model's routing key
     * @param partitions the topic's partition count, at least 1
     * @return the partition, from 0 to {@code partitions - 1}
     */
    public static int of(String routingKey, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, was " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(routingKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
