package io.inferbroker.store.internal;

import io.inferbroker.schemas.Topic;

/** Where a record came from: its catalogue topic, actual topic name, partition and offset. */
public record Source(Topic topic, String topicName, int partition, long offset) {
    @Override
    public String toString() {
        return topicName + "-" + partition + "@" + offset;
    }
}
