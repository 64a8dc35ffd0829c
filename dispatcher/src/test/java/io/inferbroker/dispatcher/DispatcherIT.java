package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.cancel;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
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
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(InfraExtension.class)
class DispatcherIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SERVED = "llama";
    private static final String UNSERVED = "no-worker-model";

    @Test
    void shouldDispatchBatchesAndCancelQueuedJobsOnRealKafka(KafkaInfra kafka, @TempDir Path stateDir)
            throws Exception {
        TopicNames topics = kafka.topics();
        DispatcherConfig config = DispatcherConfig.defaults(topics.prefix() + "dispatcher", topics)
                .withModel(SERVED, new ModelBatching(2, Duration.ofMillis(20)));
        Properties props = kafka.clientProps();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (Dispatcher dispatcher = new Dispatcher(config, props, registry);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
                TopicProbe<DispatchBatch> batches = kafka.probe(topics.dispatch(), WireSerdes.DISPATCH_BATCH);
                TopicProbe<JobResult> results = kafka.probe(topics.results(), WireSerdes.JOB_RESULT)) {
            dispatcher.start();
            await().atMost(WAIT).until(dispatcher::isReady);

            send(
                    producer,
                    topics.workers(),
                    "w1",
                    WireSerdes.WORKER_STATUS.serialize(
                            topics.workers(), worker("w1", 8, 0, WorkerState.ACTIVE, true, Instant.now(), SERVED)));
            for (String id : List.of("j1", "j2")) {
                send(
                        producer,
                        topics.requests(),
                        id,
                        WireSerdes.JOB_REQUESTED.serialize(topics.requests(), job(id, SERVED, 5, Instant.now(), null)));
            }
            send(
                    producer,
                    topics.requests(),
                    "q1",
                    WireSerdes.JOB_REQUESTED.serialize(topics.requests(), job("q1", UNSERVED, 5, Instant.now(), null)));
            send(
                    producer,
                    topics.control(),
                    "q1",
                    WireSerdes.CONTROL_COMMAND.serialize(topics.control(), cancel("q1", TENANT, Instant.now())));

            List<ConsumerRecord<String, DispatchBatch>> sent = batches.awaitUntil(
                    seen -> seen.stream().mapToInt(r -> r.value().jobs().size()).sum() >= 2, WAIT);
            assertThat(sent).allSatisfy(r -> assertThat(r.key()).isEqualTo("w1"));
            assertThat(sent.stream().flatMap(r -> r.value().jobs().stream()).map(DispatchedJob::jobId))
                    .containsExactlyInAnyOrder("j1", "j2");

            List<ConsumerRecord<String, JobResult>> ended = results.awaitUntil(
                    seen -> seen.stream().anyMatch(r -> r.key().equals("q1")), WAIT);
            assertThat(ended)
                    .filteredOn(r -> r.key().equals("q1"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.value().status()).isEqualTo(JobStatus.CANCELED));
            assertThat(dispatcher.isRunning()).isTrue();
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
}
