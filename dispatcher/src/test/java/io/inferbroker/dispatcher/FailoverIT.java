package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.TopicProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
class FailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MODEL = "llama";
    private static final int JOBS = 8;

    @Test
    void shouldCompleteEveryJobExactlyOnceWhenAWorkerDiesInTheMiddleOfABatch(KafkaInfra kafka, @TempDir Path stateDir)
            throws Exception {
        TopicNames topics = kafka.topics();
        DispatcherConfig config = DispatcherConfig.defaults(topics.prefix() + "dispatcher", topics)
                // Batches close on size (4), not on time: the doomed worker gets all four first jobs in
                // one batch however slowly they arrive, so it dies in the middle of that batch.
                .withModel(MODEL, new ModelBatching(4, Duration.ofSeconds(2)))
                .withWorkerLease(Duration.ofSeconds(1));
        Properties props = kafka.clientProps();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

        try (Dispatcher dispatcher = new Dispatcher(config, props, new SimpleMeterRegistry());
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
                TopicProbe<JobResult> results = kafka.probe(topics.results(), WireSerdes.JOB_RESULT);
                FakeWorker doomed = new FakeWorker(kafka, "w1-doomed", MODEL, 4, 2)) {
            dispatcher.start();
            await().atMost(WAIT).until(dispatcher::isReady);
            for (int i = 0; i < 4; i++) {
                send(producer, topics.requests(), "j" + i, job("j" + i, MODEL, 5, Instant.now(), null));
            }
            await().atMost(WAIT).until(doomed::crashed);
            try (FakeWorker healthy = new FakeWorker(kafka, "w2", MODEL, 8, Integer.MAX_VALUE)) {
                for (int i = 4; i < JOBS; i++) {
                    send(producer, topics.requests(), "j" + i, job("j" + i, MODEL, 5, Instant.now(), null));
                }

                List<ConsumerRecord<String, JobResult>> all = results.awaitUntil(
                        seen -> seen.stream()
                                        .map(ConsumerRecord::key)
                                        .distinct()
                                        .count()
                                == JOBS,
                        WAIT);

                Map<String, List<JobResult>> byJob =
                        all.stream().map(ConsumerRecord::value).collect(Collectors.groupingBy(JobResult::jobId));
                assertThat(byJob.keySet())
                        .containsExactlyInAnyOrderElementsOf(
                                IntStream.range(0, JOBS).mapToObj(i -> "j" + i).toList());
                assertThat(byJob.values())
                        .allSatisfy(r -> assertThat(r)
                                .as("exactly one result per job")
                                .singleElement()
                                .satisfies(one -> assertThat(one.status()).isEqualTo(JobStatus.SUCCEEDED)));
                List<String> lost = doomed.received.stream()
                        .skip(2)
                        .map(DispatchedJob::jobId)
                        .toList();
                assertThat(lost).hasSize(2);
                Map<String, DispatchedJob> rerun = healthy.received.stream()
                        .collect(Collectors.toMap(DispatchedJob::jobId, Function.identity(), (a, b) -> a));
                assertThat(lost).allSatisfy(id -> {
                    assertThat(rerun).containsKey(id);
                    assertThat(rerun.get(id).attempt()).isEqualTo(2);
                    assertThat(byJob.get(id).getFirst().workerId()).isEqualTo("w2");
                });
                assertThat(healthy.received).extracting(DispatchedJob::jobId).doesNotHaveDuplicates();
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, Object job)
            throws Exception {
        byte[] value = WireSerdes.JOB_REQUESTED.serialize(topic, (io.inferbroker.schemas.JobRequested) job);
        // Like the ingress: on the partition of the model's routing key.
        int partition = Partitioning.of(MODEL, producer.partitionsFor(topic).size());
        producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
    }
}
