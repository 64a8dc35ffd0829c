package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.result;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.TopicProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatcher that starts while a result it has not read waits on its results partition (its
 * worker published it, then everything stopped) reads it before it judges the worker's new run:
 * the finished job is not sent again.
 */
@ExtendWith(InfraExtension.class)
class RestartCatchupIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MODEL = "llama";

    @Test
    void shouldNotSendAgainAFinishedJobWhoseResultWasUnreadWhenItsWorkerCameBackAsANewRun(
            KafkaInfra kafka, @TempDir Path first, @TempDir Path second) throws Exception {
        TopicNames topics = kafka.topics();
        DispatcherConfig config = DispatcherConfig.defaults(topics.prefix() + "catchup", topics)
                .withModel(MODEL, new ModelBatching(1, Duration.ofMillis(20)))
                .withWorkerLease(Duration.ofSeconds(30));
        try (KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
                TopicProbe<DispatchBatch> dispatched = kafka.probe(topics.dispatch(), WireSerdes.DISPATCH_BATCH)) {
            int partition = Partitioning.of(
                    MODEL, producer.partitionsFor(topics.requests()).size());
            status(producer, topics, "run-a");
            try (Dispatcher before =
                    new Dispatcher(config, Fixtures.streamsProps(kafka, first), new SimpleMeterRegistry())) {
                before.start();
                await().atMost(WAIT).until(before::isReady);
                request(producer, topics.requests(), partition, "j1");
                dispatched.awaitUntil(
                        seen -> Fixtures.jobIds(
                                        seen.stream().map(r -> r.value()).toList())
                                .contains("j1"),
                        WAIT);
            }
            // Run-a finished j1 and published its result; then the dispatcher and the worker stopped.
            byte[] done = WireSerdes.JOB_RESULT.serialize(
                    topics.results(), result("j1", TENANT, MODEL, JobStatus.SUCCEEDED, "w1", 1, null, Instant.now()));
            producer.send(new ProducerRecord<>(topics.results(), partition, "j1", done))
                    .get();
            status(producer, topics, "run-b");

            try (Dispatcher after =
                    new Dispatcher(config, Fixtures.streamsProps(kafka, second), new SimpleMeterRegistry())) {
                after.start();
                await().atMost(WAIT).until(after::isReady);
                request(producer, topics.requests(), partition, "j2");
                dispatched.awaitUntil(
                        seen -> Fixtures.jobIds(
                                        seen.stream().map(r -> r.value()).toList())
                                .contains("j2"),
                        WAIT);

                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> Fixtures.jobIds(dispatched.values()).stream()
                                        .filter("j1"::equals)
                                        .count()
                                == 1);
            }
        }
    }

    private static void status(KafkaProducer<String, byte[]> producer, TopicNames topics, String instance)
            throws Exception {
        var status = worker("w1", 4, 0, WorkerState.ACTIVE, true, Instant.now(), MODEL)
                .withInstance(instance);
        producer.send(new ProducerRecord<>(
                        topics.workers(), "w1", WireSerdes.WORKER_STATUS.serialize(topics.workers(), status)))
                .get();
    }

    private static void request(KafkaProducer<String, byte[]> producer, String topic, int partition, String id)
            throws Exception {
        byte[] value = WireSerdes.JOB_REQUESTED.serialize(topic, job(id, MODEL, 5, Instant.now(), null));
        producer.send(new ProducerRecord<>(topic, partition, id, value)).get();
    }
}
