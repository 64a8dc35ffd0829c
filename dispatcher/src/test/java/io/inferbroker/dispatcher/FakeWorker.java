package io.inferbroker.dispatcher;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.testkit.KafkaInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A minimal worker on real Kafka for dispatcher tests: reports its status every 200 ms, reads the
 * batches keyed with its id and publishes a succeeded result per job at once. A crashing one
 * finishes only the first {@code finishBeforeCrash} jobs it receives, then stops reporting and
 * consuming, as a killed process would.
 */
final class FakeWorker implements AutoCloseable {
    private static final Duration HEARTBEAT = Duration.ofMillis(200);

    private final String id;
    private final String model;
    private final int capacity;
    private final int finishBeforeCrash;
    private final TopicNames topics;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger finished = new AtomicInteger();
    final List<DispatchedJob> received = new CopyOnWriteArrayList<>();
    private final Thread thread;

    FakeWorker(KafkaInfra kafka, String id, String model, int capacity, int finishBeforeCrash) {
        this.id = id;
        this.model = model;
        this.capacity = capacity;
        this.finishBeforeCrash = finishBeforeCrash;
        this.topics = kafka.topics();
        this.producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
        this.consumer =
                new KafkaConsumer<>(kafka.consumerProps(id), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topics.dispatch()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = Thread.ofPlatform().name("fake-worker-" + id).daemon().start(this::run);
    }

    /** True once it crashed (never for a worker that does not crash). */
    boolean crashed() {
        return finished.get() >= finishBeforeCrash;
    }

    private void run() {
        Instant lastBeat = Instant.EPOCH;
        while (!stop.get() && !crashed()) {
            if (Instant.now().isAfter(lastBeat.plus(HEARTBEAT))) {
                beat();
                lastBeat = Instant.now();
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                if (id.equals(r.key()) && !crashed()) {
                    run(WireSerdes.DISPATCH_BATCH.deserialize(r.topic(), r.value()));
                }
            }
        }
        consumer.close();
    }

    private void run(DispatchBatch batch) {
        for (DispatchedJob job : batch.jobs()) {
            received.add(job);
            if (crashed()) {
                continue; // dies holding the rest of the batch
            }
            Instant now = Instant.now();
            JobResult result = new JobResult(
                    JobResult.VERSION,
                    job.jobId(),
                    job.tenantId(),
                    batch.model(),
                    JobStatus.SUCCEEDED,
                    null,
                    null,
                    null,
                    null,
                    id,
                    job.attempt(),
                    new Timings(job.acceptedAt(), now, now, now, now));
            // Like a real worker: the result goes to the partition the dispatcher asked for.
            producer.send(new ProducerRecord<>(
                    topics.results(),
                    batch.replyPartition(),
                    job.jobId(),
                    WireSerdes.JOB_RESULT.serialize(topics.results(), result)));
            finished.incrementAndGet();
        }
        producer.flush();
    }

    private void beat() {
        var status = Fixtures.worker(id, capacity, 0, WorkerState.ACTIVE, true, Instant.now(), model);
        producer.send(new ProducerRecord<>(
                topics.workers(), id, WireSerdes.WORKER_STATUS.serialize(topics.workers(), status)));
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(Duration.ofSeconds(5));
        producer.close();
    }
}
