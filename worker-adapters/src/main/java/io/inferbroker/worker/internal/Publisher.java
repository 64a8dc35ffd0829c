package io.inferbroker.worker.internal;

import io.inferbroker.schemas.DeadLetter;
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
import org.jspecify.annotations.Nullable;

/**
 * Everything a worker writes, each value on its topic under its key (job id, or worker id for
 * status). Each send returns a future that completes when Kafka acknowledged the record, or
 * exceptionally when it could not be written. Thread-safe, as the producer is; closing it closes
 * the producer.
 */
public final class Publisher implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final TopicNames topics;
    /** The results topic's partition count once known (0: not yet); partitions are only ever added. */
    private volatile int resultPartitions;

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
        return result(result, null);
    }

    /**
     * A result on the partition its dispatcher asked for ({@link io.inferbroker.schemas.DispatchBatch#replyPartition()}),
     * or by job id when none was asked for or the topic has no such partition.
     */
    public CompletableFuture<Void> result(JobResult result, @Nullable Integer partition) {
        String topic = topics.results();
        Integer target = partition != null && partition >= 0 && partition < partitionCount(topic) ? partition : null;
        return send(topic, target, result.jobId(), WireSerdes.JOB_RESULT, result);
    }

    private int partitionCount(String topic) {
        int known = resultPartitions;
        if (known == 0) {
            try {
                known = producer.partitionsFor(topic).size();
            } catch (KafkaException e) {
                return 0;
            }
            resultPartitions = known;
        }
        return known;
    }

    /** A record the worker could not take, keyed by where it was. */
    public CompletableFuture<Void> deadLetter(DeadLetter letter) {
        return send(topics.deadLetters(), letter.sourceRef(), WireSerdes.DEAD_LETTER, letter);
    }

    public CompletableFuture<Void> status(WorkerStatus status) {
        return send(topics.workers(), status.workerId(), WireSerdes.WORKER_STATUS, status);
    }

    private <T> CompletableFuture<Void> send(String topic, String key, JsonSerde<T> serde, T value) {
        return send(topic, null, key, serde, value);
    }

    private <T> CompletableFuture<Void> send(
            String topic, @Nullable Integer partition, String key, JsonSerde<T> serde, T value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>(topic, partition, key, serde.serialize(topic, value));
            producer.send(record, (metadata, error) -> {
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
