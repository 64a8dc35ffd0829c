package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.dispatcher.internal.InFlight;
import io.inferbroker.dispatcher.internal.LegacyStores;
import io.inferbroker.dispatcher.internal.QueuedJob;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JsonSerde;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.TopicProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatcher upgraded from the four-store layout while jobs were queued and in flight, on a real
 * Kafka cluster: the earlier stores' changelogs (as that layout wrote them) are found, restored and
 * carried over, so the queued job runs and the one in flight is not sent again.
 */
@ExtendWith(InfraExtension.class)
class UpgradeCarryOverIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MODEL = "llama";

    @Test
    void shouldRunTheJobsQueuedByTheEarlierLayoutAndNotResendThoseInFlight(KafkaInfra kafka, @TempDir Path state)
            throws Exception {
        TopicNames topics = kafka.topics();
        DispatcherConfig config = DispatcherConfig.defaults(topics.prefix() + "upgrade", topics)
                .withModel(MODEL, new ModelBatching(1, Duration.ofMillis(20)))
                .withWorkerLease(Duration.ofSeconds(30));
        try (KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
                Admin admin = Admin.create(kafka.clientProps());
                TopicProbe<DispatchBatch> dispatched = kafka.probe(topics.dispatch(), WireSerdes.DISPATCH_BATCH)) {
            int partitions = producer.partitionsFor(topics.requests()).size();
            int partition = Partitioning.of(MODEL, partitions);
            for (String changelog : LegacyStores.changelogs(config.applicationId())) {
                admin.createTopics(List.of(new NewTopic(changelog, partitions, (short) 1)
                                .configs(
                                        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all()
                        .get();
            }
            Instant t0 = Instant.now();
            JobRequested j1 = job("j1", MODEL, 5, t0.minusSeconds(2), null);
            JobRequested j2 = job("j2", MODEL, 5, t0.minusSeconds(3), null);
            String jobs = config.applicationId() + "-dispatcher-jobs-changelog";
            send(producer, jobs, partition, "j1", entry("QUEUED", "q1", null));
            send(
                    producer,
                    config.applicationId() + "-dispatcher-queue-changelog",
                    partition,
                    "q1",
                    json(new QueuedJob(j1, t0.minusSeconds(2), 0)));
            send(producer, jobs, partition, "j2", entry("DISPATCHED", null, "w1"));
            send(
                    producer,
                    config.applicationId() + "-dispatcher-in-flight-changelog",
                    partition,
                    "2:w1\u0000j2",
                    json(new InFlight(new QueuedJob(j2, t0.minusSeconds(3), 0), t0.minusSeconds(1), 1, null)));
            var status = worker("w1", 4, 0, WorkerState.ACTIVE, true, Instant.now(), MODEL);
            producer.send(new ProducerRecord<>(
                            topics.workers(), "w1", WireSerdes.WORKER_STATUS.serialize(topics.workers(), status)))
                    .get();

            try (Dispatcher upgraded =
                    new Dispatcher(config, Fixtures.streamsProps(kafka, state), new SimpleMeterRegistry())) {
                upgraded.start();
                await().atMost(WAIT).until(upgraded::isReady);
                dispatched.awaitUntil(
                        seen -> Fixtures.jobIds(
                                        seen.stream().map(r -> r.value()).toList())
                                .contains("j1"),
                        WAIT);

                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> Fixtures.jobIds(dispatched.values()).equals(List.of("j1")));
            }
            assertThat(Fixtures.jobIds(dispatched.values()))
                    .as("j2 was in flight already")
                    .containsExactly("j1");
        }
    }

    private static void send(
            KafkaProducer<String, byte[]> producer, String topic, int partition, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
    }

    private static byte[] entry(String state, String queueKey, String worker) {
        return ("{\"model\":\"" + MODEL + "\",\"tenant_id\":\"" + TENANT + "\",\"state\":\"" + state
                        + "\",\"queue_key\":" + (queueKey == null ? "null" : "\"" + queueKey + "\"")
                        + ",\"worker_id\":" + (worker == null ? "null" : "\"" + worker + "\"")
                        + ",\"retire_at\":null,\"attempt\":" + (worker == null ? 0 : 1) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static byte[] json(Object value) {
        return JsonSerde.of((Class<Object>) value.getClass()).serialize("t", value);
    }
}
