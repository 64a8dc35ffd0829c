package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Puts accepted jobs on the requests topic. The returned future completes only when Kafka has
 * acknowledged the record (the producer is configured with acks=all and idempotence), and fails
 * when that does not happen within the submit timeout. Thread-safe.
 */
public final class JobSubmitter {
    private final Producer<String, JobRequested> producer;
    private final String topic;
    private final Duration timeout;

    public JobSubmitter(Producer<String, JobRequested> producer, TopicNames topics, Duration timeout) {
        this.producer = producer;
        this.topic = topics.requests();
        this.timeout = timeout;
    }

    public CompletableFuture<Void> submit(JobRequested job) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, job.jobId(), job), (meta, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(error);
                }
            });
        } catch (KafkaException e) {
            acked.completeExceptionally(e);
        }
        return acked.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
