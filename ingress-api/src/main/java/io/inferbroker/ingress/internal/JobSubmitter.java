package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

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
    private final Partitioning partitioning;
    /** The requests topic's partition count once known (0: not yet). */
    private volatile int partitions;

    /** @param partitioning where each model's requests go, as the dispatcher reads them */
    public JobSubmitter(
            Producer<String, JobRequested> producer, TopicNames topics, Duration timeout, Partitioning partitioning) {
        this.producer = producer;
        this.topic = topics.requests();
        this.timeout = timeout;
        this.partitioning = partitioning;
    }

    public CompletableFuture<Void> submit(JobRequested job) {
        return AckedSend.send(producer, () -> record(job), timeout);
    }

    /** Asks Kafka for the partition count the first time, so it may throw a {@link org.apache.kafka.common.KafkaException}. */
    private ProducerRecord<String, JobRequested> record(JobRequested job) {
        int partition = partitioning.partition(job.model(), partitions());
        return new ProducerRecord<>(topic, partition, job.jobId(), job);
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
