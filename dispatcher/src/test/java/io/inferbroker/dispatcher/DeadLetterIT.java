package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.PayloadEncoding;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireJson;
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

/** Poison records on the dispatcher's inputs go to the dead letters; the dispatcher keeps dispatching. */
@ExtendWith(InfraExtension.class)
class DeadLetterIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MODEL = "llama";
    private static final ObjectMapper JSON = WireJson.newMapper();

    @Test
    void shouldDeadLetterRequestWithoutTenantAndDispatchTheNextJob(KafkaInfra kafka, @TempDir Path stateDir)
            throws Exception {
        TopicNames topics = kafka.topics();
        DispatcherConfig config = DispatcherConfig.defaults(topics.prefix() + "dispatcher", topics)
                .withModel(MODEL, new ModelBatching(1, Duration.ofMillis(5)));
        Properties props = kafka.clientProps();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (Dispatcher dispatcher = new Dispatcher(config, props, registry);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
                TopicProbe<DispatchBatch> batches = kafka.probe(topics.dispatch(), WireSerdes.DISPATCH_BATCH);
                TopicProbe<DeadLetter> deadLetters = kafka.probe(topics.deadLetters(), WireSerdes.DEAD_LETTER)) {
            dispatcher.start();
            await().atMost(WAIT).until(dispatcher::isReady);
            send(
                    producer,
                    topics.workers(),
                    "w1",
                    WireSerdes.WORKER_STATUS.serialize(
                            topics.workers(), worker("w1", 8, 0, WorkerState.ACTIVE, true, Instant.now(), MODEL)));

            ObjectNode poison = (ObjectNode) JSON.readTree(WireSerdes.JOB_REQUESTED.serialize(
                    topics.requests(), job("poison", MODEL, 5, Instant.now(), null)));
            poison.remove("tenant_id");
            byte[] poisonBytes = JSON.writeValueAsBytes(poison);
            send(producer, topics.requests(), "poison", poisonBytes);
            send(producer, topics.requests(), "garbage", new byte[] {(byte) 0xC3, 0x28, '{'});
            send(
                    producer,
                    topics.requests(),
                    "good",
                    WireSerdes.JOB_REQUESTED.serialize(topics.requests(), job("good", MODEL, 5, Instant.now(), null)));

            List<ConsumerRecord<String, DispatchBatch>> sent = batches.awaitUntil(
                    seen -> seen.stream()
                            .flatMap(r -> r.value().jobs().stream())
                            .anyMatch(j -> j.jobId().equals("good")),
                    WAIT);
            List<ConsumerRecord<String, DeadLetter>> letters = deadLetters.awaitUntil(seen -> seen.size() >= 2, WAIT);

            assertThat(sent.stream().flatMap(r -> r.value().jobs().stream()).map(DispatchedJob::jobId))
                    .containsExactly("good");
            DeadLetter missingTenant = letterKeyed(letters, "poison");
            assertThat(missingTenant.reason()).isEqualTo("tenant_id is missing");
            assertThat(missingTenant.field()).isEqualTo("tenant_id");
            assertThat(missingTenant.topic()).isEqualTo(topics.requests());
            assertThat(missingTenant.role()).isEqualTo(ConsumerRole.DISPATCHER);
            assertThat(missingTenant.valueEncoding()).isEqualTo(PayloadEncoding.UTF8);
            assertThat(JSON.readTree(missingTenant.value())).isEqualTo(poison);
            assertThat(letters)
                    .filteredOn(r -> r.value().key() != null && r.value().key().equals("poison"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.key()).isEqualTo(r.value().sourceRef()));
            assertThat(letterKeyed(letters, "garbage").valueEncoding()).isEqualTo(PayloadEncoding.BASE64);
            assertThat(registry.get("broker.dead_letters")
                            .tag("role", "dispatcher")
                            .tag("topic", topics.requests())
                            .counter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(dispatcher.isRunning()).isTrue();
        }
    }

    private static DeadLetter letterKeyed(List<ConsumerRecord<String, DeadLetter>> letters, String key) {
        return letters.stream()
                .map(ConsumerRecord::value)
                .filter(l -> key.equals(l.key()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for " + key + " in " + letters));
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
}
