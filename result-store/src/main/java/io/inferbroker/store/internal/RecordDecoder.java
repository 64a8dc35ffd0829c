package io.inferbroker.store.internal;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the raw values of the requests, events and results topics into wire records, choosing the
 * type by the record's topic. Never throws for bad data: unreadable values and values missing a field
 * the store needs come back as {@link Decoded.Poison}. Thread-safe.
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

    public Decoded decode(String topicName, int partition, long offset, byte @Nullable [] value) {
        Topic topic = topics.get(topicName);
        if (topic == null) {
            throw new IllegalArgumentException("not a topic of the result sink: " + topicName);
        }
        Source source = new Source(topic, topicName, partition, offset);
        if (value == null) {
            return new Decoded.Poison(source, "null value (tombstone)");
        }
        try {
            return switch (topic) {
                case REQUESTS -> request(source, WireSerdes.JOB_REQUESTED.deserialize(topicName, value));
                case EVENTS -> event(source, WireSerdes.LIFECYCLE_EVENT.deserialize(topicName, value));
                case RESULTS -> result(source, WireSerdes.JOB_RESULT.deserialize(topicName, value));
                default -> throw new IllegalArgumentException("not a topic of the result sink: " + topicName);
            };
        } catch (SerializationException e) {
            return new Decoded.Poison(source, e.getMessage() == null ? "unreadable value" : e.getMessage());
        }
    }

    private static Decoded request(Source source, @Nullable JobRequested r) {
        if (r == null) {
            return new Decoded.Poison(source, "null value");
        }
        Missing m = new Missing()
                .check("job_id", r.jobId())
                .check("tenant_id", r.tenantId())
                .check("model", r.model())
                .check("kind", r.kind())
                .check("input", r.input())
                .check("accepted_at", r.acceptedAt());
        return m.isEmpty() ? new Decoded.Request(source, r) : m.poison(source, "job request");
    }

    private static Decoded event(Source source, @Nullable LifecycleEvent e) {
        if (e == null) {
            return new Decoded.Poison(source, "null value");
        }
        Missing m = new Missing()
                .check("job_id", e.jobId())
                .check("tenant_id", e.tenantId())
                .check("model", e.model())
                .check("type", e.type())
                .check("at", e.at());
        return m.isEmpty() ? new Decoded.Event(source, e) : m.poison(source, "lifecycle event");
    }

    private static Decoded result(Source source, @Nullable JobResult r) {
        if (r == null) {
            return new Decoded.Poison(source, "null value");
        }
        Missing m = new Missing()
                .check("job_id", r.jobId())
                .check("tenant_id", r.tenantId())
                .check("model", r.model())
                .check("timings", r.timings());
        if (m.isEmpty()) {
            m.check("timings.accepted_at", r.timings().acceptedAt())
                    .check("timings.completed_at", r.timings().completedAt());
        }
        if (r.cost() != null) {
            m.check("cost.amount", r.cost().amount())
                    .check("cost.currency", r.cost().currency());
        }
        if (r.error() != null) {
            m.check("error.code", r.error().code());
        }
        return m.isEmpty() ? new Decoded.Result(source, r) : m.poison(source, "job result");
    }

    /** Collects required fields a value lacks (Jackson leaves absent fields null even on non-null components). */
    private static final class Missing {
        private final List<String> fields = new ArrayList<>();

        Missing check(String field, @Nullable Object value) {
            if (value == null || (value instanceof String s && s.isBlank())) {
                fields.add(field);
            }
            return this;
        }

        boolean isEmpty() {
            return fields.isEmpty();
        }

        Decoded.Poison poison(Source source, String what) {
            return new Decoded.Poison(source, what + " lacks " + String.join(", ", fields));
        }
    }
}
