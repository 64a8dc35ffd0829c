package io.inferbroker.worker.internal;

import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerStatus;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What a mock producer was asked to send, read back as wire values. */
record Published(List<Object> values) {

    static Published from(MockProducer<String, byte[]> producer, TopicNames topics) {
        return new Published(
                producer.history().stream().map(r -> read(r, topics)).toList());
    }

    private static Object read(ProducerRecord<String, byte[]> record, TopicNames topics) {
        String topic = record.topic();
        if (topic.equals(topics.events())) {
            return WireSerdes.LIFECYCLE_EVENT.deserialize(topic, record.value());
        } else if (topic.equals(topics.tokens())) {
            return WireSerdes.TOKEN_DELTA.deserialize(topic, record.value());
        } else if (topic.equals(topics.results())) {
            return WireSerdes.JOB_RESULT.deserialize(topic, record.value());
        } else if (topic.equals(topics.workers())) {
            return WireSerdes.WORKER_STATUS.deserialize(topic, record.value());
        }
        throw new AssertionError("unexpected topic " + topic);
    }

    <T> List<T> of(Class<T> type) {
        return values.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<LifecycleEvent> events(String jobId) {
        return of(LifecycleEvent.class).stream()
                .filter(e -> e.jobId().equals(jobId))
                .toList();
    }

    List<TokenDelta> tokens(String jobId) {
        return of(TokenDelta.class).stream()
                .filter(t -> t.jobId().equals(jobId))
                .toList();
    }

    List<JobResult> results(String jobId) {
        return of(JobResult.class).stream().filter(r -> r.jobId().equals(jobId)).toList();
    }

    List<WorkerStatus> statuses() {
        return of(WorkerStatus.class);
    }

    /** Position of the first value matching, for ordering checks. */
    int indexOf(Object value) {
        return values.indexOf(value);
    }
}
