package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Puts accepted jobs on the requests topic, keyed by job id, on the partition of the model's routing
 * key ({@link Partitioning}): the dispatcher task that owns the model's queue reads that partition
 * directly. The returned future completes only when Kafka has acknowledged the record (the producer
 * is configured with acks=all and idempotence), and fails when that does not happen within the
 * submit timeout. Thread-safe.
 */
public final class JobSubmitter {
    private final Producer<String, JobRequested> producer;
    private final String topic;
    private final Duration timeout;
    private final Map<String, String> routingKeys;
    /** The requests topic's partition count once known (0: not yet). */
    private volatile int partitions;

    /** @param routingKeys model to routing key; a model not listed is its own */
    public JobSubmitter(
            Producer<String, JobRequested> producer,
            TopicNames topics,
            Duration timeout,
            Map<String, String> routingKeys) {
        this.producer = producer;
        this.topic = topics.requests();
        this.timeout = timeout;
        this.routingKeys = Map.copyOf(routingKeys);
    }

    public CompletableFuture<Void> submit(JobRequested job) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            int partition = Partitioning.of(routingKeys.getOrDefault(job.model(), job.model()), partitions());
            producer.send(new ProducerRecord<>(topic, partition, job.jobId(), job), (meta, error) -> {
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

    /** Partitions are only ever added; a topic that grew is seen after a restart. */
    private int partitions() {
        int known = partitions;
        if (known == 0) {
            known = producer.partitionsFor(topic).size();
            partitions = known;
        }
        return known;
    }
}
