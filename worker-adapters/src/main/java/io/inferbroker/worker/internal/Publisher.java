package io.inferbroker.worker.internal;

import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JsonSerde;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Everything a worker writes, each value on its topic under its key (job id, or worker id for
 * status). Each send returns a future that completes when Kafka acknowledged the record, or
 * exceptionally when it could not be written. Thread-safe, as the producer is; closing it closes
 * the producer.
 */
public final class Publisher implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final TopicNames topics;

    public Publisher(Producer<String, byte[]> producer, TopicNames topics) {
        this.producer = producer;
        this.topics = topics;
    }

    public CompletableFuture<Void> event(LifecycleEvent event) {
        return send(topics.events(), event.jobId(), WireSerdes.LIFECYCLE_EVENT, event);
    }

    public CompletableFuture<Void> token(TokenDelta token) {
        return send(topics.tokens(), token.jobId(), WireSerdes.TOKEN_DELTA, token);
    }

    public CompletableFuture<Void> result(JobResult result) {
        return send(topics.results(), result.jobId(), WireSerdes.JOB_RESULT, result);
    }

    public CompletableFuture<Void> status(WorkerStatus status) {
        return send(topics.workers(), status.workerId(), WireSerdes.WORKER_STATUS, status);
    }

    private <T> CompletableFuture<Void> send(String topic, String key, JsonSerde<T> serde, T value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, serde.serialize(topic, value)), (metadata, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(new PublishException(topic, key, error));
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            acked.completeExceptionally(new PublishException(topic, key, e));
        }
        return acked;
    }

    /** Closes the producer, waiting up to {@code timeout} for records still being sent. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** A record could not be written. */
    public static final class PublishException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PublishException(String topic, String key, Throwable cause) {
            super("cannot publish to " + topic + " (key " + key + "): " + cause.getMessage(), cause);
        }
    }
}
