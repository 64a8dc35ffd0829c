package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.TopicProbe;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle dispatcher on real Kafka: its stream thread blocks in its polls and its consumer's fetches
 * are held at the broker, instead of both going round every tick; a job that arrives then is still
 * dispatched once its batching delay is due (when exactly: {@code IdlePacingTopologyTest}).
 */
@ExtendWith(InfraExtension.class)
class IdleDispatcherIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MODEL = "llama";
    /** What an idle thread did in this window before: a poll every 5 ms tick, a fetch held 5 ms. */
    private static final Duration WINDOW = Duration.ofSeconds(3);

    @Test
    void shouldPollAndFetchRarelyWhileIdleAndStillDispatch(KafkaInfra kafka, @TempDir Path stateDir) throws Exception {
        TopicNames topics = kafka.topics();
        DispatcherConfig config = DispatcherConfig.defaults(topics.prefix() + "idle-dispatcher", topics)
                .withModel(MODEL, new ModelBatching(8, Duration.ofMillis(50)));
        Properties props = kafka.clientProps();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (Dispatcher dispatcher = new Dispatcher(config, props, registry);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
                TopicProbe<DispatchBatch> batches = kafka.probe(topics.dispatch(), WireSerdes.DISPATCH_BATCH)) {
            dispatcher.start();
            await().atMost(WAIT).until(dispatcher::isReady);
            producer.send(new ProducerRecord<>(
                            topics.workers(),
                            "w1",
                            WireSerdes.WORKER_STATUS.serialize(
                                    topics.workers(),
                                    worker("w1", 8, 0, WorkerState.ACTIVE, true, Instant.now(), MODEL))))
                    .get();

            double polls = total(registry, "kafka.stream.thread.poll.total", "thread.id");
            double fetches = total(registry, "kafka.consumer.fetch.manager.fetch.total", "client.id");
            await().during(WINDOW)
                    .atMost(WINDOW.plusSeconds(30))
                    .until(() -> total(registry, "kafka.stream.thread.poll.total", "thread.id") - polls < 60
                            && total(registry, "kafka.consumer.fetch.manager.fetch.total", "client.id") - fetches < 60);

            producer.send(new ProducerRecord<>(
                            topics.requests(),
                            "j1",
                            WireSerdes.JOB_REQUESTED.serialize(
                                    topics.requests(), job("j1", MODEL, 5, Instant.now(), null))))
                    .get();
            assertThat(batches.awaitUntil(seen -> !seen.isEmpty(), WAIT))
                    .singleElement()
                    .satisfies(b -> assertThat(b.value().jobs())
                            .extracting(DispatchedJob::jobId)
                            .containsExactly("j1"));
        }
    }

    /** The sum of the stream thread's (or its consumer's) counter {@code name}, over every client. */
    private static double total(SimpleMeterRegistry registry, String name, String streamThreadTag) {
        return registry.find(name).functionCounters().stream()
                .filter(c -> {
                    String tag = c.getId().getTag(streamThreadTag);
                    return tag != null && tag.contains("StreamThread");
                })
                .mapToDouble(FunctionCounter::count)
                .sum();
    }
}
