package io.inferbroker.store.internal;

import io.inferbroker.schemas.ContractViolationException;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the raw values of the requests, events and results topics into wire records, choosing the
 * type by the record's topic, with the checked wire serdes: a value that comes back has every field
 * the contract requires. Never throws for bad data: unreadable values, values breaking the contract
 * and tombstones come back as {@link Decoded.Poison}. Thread-safe.
 */
public final class RecordDecoder {
    private final Map<String, Topic> topics;

    public RecordDecoder(TopicNames names) {
        this.topics = Map.of(
                names.requests(), Topic.REQUESTS,
                names.events(), Topic.EVENTS,
                names.results(), Topic.RESULTS);
    }

    /** The topics this decoder reads, i.e. the ones the sink subscribes to. */
    public List<String> topicNames() {
        return List.copyOf(topics.keySet());
    }

    /** Where a record of one of this decoder's topics came from. */
    public Source sourceOf(String topicName, int partition, long offset) {
        Topic topic = topics.get(topicName);
        if (topic == null) {
            throw new IllegalArgumentException("not a topic of the result sink: " + topicName);
        }
        return new Source(topic, topicName, partition, offset);
    }

    public Decoded decode(String topicName, int partition, long offset, byte @Nullable [] value) {
        Source source = sourceOf(topicName, partition, offset);
        Topic topic = source.topic();
        if (value == null) {
            return new Decoded.Poison(source, "null value (tombstone)");
        }
        try {
            return switch (topic) {
                case REQUESTS -> new Decoded.Request(source, WireSerdes.JOB_REQUESTED.deserialize(topicName, value));
                case EVENTS -> new Decoded.Event(source, WireSerdes.LIFECYCLE_EVENT.deserialize(topicName, value));
                case RESULTS -> new Decoded.Result(source, WireSerdes.JOB_RESULT.deserialize(topicName, value));
                default -> throw new IllegalArgumentException("not a topic of the result sink: " + topicName);
            };
        } catch (ContractViolationException e) {
            return new Decoded.Poison(source, e.reason(), e.field());
        } catch (SerializationException e) {
            return new Decoded.Poison(source, e.getMessage() == null ? "unreadable value" : e.getMessage());
        }
    }
}
