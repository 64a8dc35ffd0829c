package io.inferbroker.replay.internal;

import io.inferbroker.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Takes each record a scan reads, on the scan's thread. */
@FunctionalInterface
public interface RecordSink {
    void accept(Topic topic, ConsumerRecord<byte[], byte[]> record);
}
