package io.inferbroker.replay.internal;

import io.inferbroker.schemas.Topic;
import org.apache.kafka.common.TopicPartition;

/** The offsets {@code [start, stop)} of one partition that a replay reads. */
public record PartitionSpan(Topic topic, TopicPartition partition, long start, long stop) {
    public long size() {
        return Math.max(0, stop - start);
    }
}
