package io.inferbroker.worker.internal;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The dispatch partition a worker's batches land on: the partition Kafka's default partitioner
 * picks for the worker id as a string key, which is what the dispatcher's producer uses.
 */
public final class DispatchPartition {
    private DispatchPartition() {}

    /** The partition of {@code workerId} among {@code partitions} partitions. */
    public static int forWorker(String workerId, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, got " + partitions);
        }
        byte[] key = workerId.getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
