package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WebhookTarget;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.api.StoredJob;
import io.inferbroker.store.internal.Backoff;
import io.inferbroker.store.internal.DeliveryPlanner;
import io.inferbroker.store.internal.JdbiRecordWriter;
import io.inferbroker.store.internal.JobWriter;
import io.inferbroker.store.internal.RecordDecoder;
import io.inferbroker.store.internal.RecordWriter;
import io.inferbroker.store.internal.ResultStoreMetrics;
import io.inferbroker.store.internal.SinkLoop;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A sink that dies after its database transaction committed but before its Kafka offsets did: the
 * records come again to the sink that takes over, and storing them again changes nothing and plans
 * no second webhook message.
 */
@ExtendWith(InfraExtension.class)
class SinkCrashIT {
    private static final String TENANT = "ten_crash";

    /** The process dying between the two commits: not an exception the loop handles. */
    private static final class Crash extends Error {
        Crash() {
            super("killed after the database commit", null, false, false);
        }
    }

    @Test
    void shouldStoreRecordsAgainUnchangedAndPlanNoSecondWebhookAfterACrashBeforeTheOffsetCommit(
            KafkaInfra kafka, PostgresInfra pg) throws Exception {
        TopicNames topics = kafka.topics();
        String group = topics.prefix() + "store";
        var registry = new SimpleMeterRegistry();
        try (StoreDatabase db = StoreDatabase.open(
                        new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), registry);
                var producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
            send(producer, topics.requests(), WireSerdes.JOB_REQUESTED.serialize("", withWebhook("job-1")));
            send(
                    producer,
                    topics.events(),
                    WireSerdes.LIFECYCLE_EVENT.serialize(
                            "",
                            WireFixtures.event(
                                    "job-1", TENANT, LifecycleType.STARTED, Duration.ofSeconds(2), "w-1", 1)));
            send(
                    producer,
                    topics.results(),
                    WireSerdes.JOB_RESULT.serialize("", WireFixtures.succeeded("job-1", TENANT, "w-1", 1, "once")));

            crashAfterTheDatabaseCommit(kafka, db);
            StoredJob before = db.jobs().find(TENANT, "job-1").orElseThrow();
            List<Map<String, Object>> deliveriesBefore = deliveries(db);
            assertThat(before.status().wireName()).isEqualTo("succeeded");
            assertThat(deliveriesBefore).hasSize(1);

            var again = new SimpleMeterRegistry();
            try (ResultSink sink = new ResultSink(db, topics, kafka.clientProps(), group, again, Clock.systemUTC())) {
                sink.start();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> again.find("broker.store.records.written")
                                        .tag("topic", "inference.results")
                                        .counter()
                                        .count()
                                >= 1);
            }

            assertThat(db.jobs().find(TENANT, "job-1").orElseThrow()).isEqualTo(before);
            assertThat(deliveries(db)).isEqualTo(deliveriesBefore);
            int audited = db.jdbi()
                    .withHandle(h -> h.createQuery("select count(*) from job_results")
                            .mapTo(Integer.class)
                            .one());
            assertThat(audited).isEqualTo(1);
        }
    }

    /** Runs a sink loop until a write planned the job's webhook message, and dies right after it. */
    private static void crashAfterTheDatabaseCommit(KafkaInfra kafka, StoreDatabase db) {
        TopicNames topics = kafka.topics();
        var mapper = WireJson.newMapper();
        RecordWriter stored = new JdbiRecordWriter(
                db.jdbi(), new JobWriter(mapper, Clock.systemUTC()), new DeliveryPlanner(mapper), Clock.systemUTC());
        RecordWriter crashing = batch -> {
            stored.write(batch);
            if (!deliveries(db).isEmpty()) {
                throw new Crash();
            }
        };
        Properties props = kafka.consumerProps("store");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            SinkLoop loop = new SinkLoop(
                    consumer,
                    new RecordDecoder(topics),
                    crashing,
                    new ResultStoreMetrics(new SimpleMeterRegistry()),
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
                    letter -> CompletableFuture.failedFuture(new IllegalStateException("no dead letters expected")),
                    Clock.systemUTC());
            loop.subscribe();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                try {
                    loop.pollOnce();
                    return false;
                } catch (Crash c) {
                    return true;
                }
            });
            Set<TopicPartition> results = consumer.partitionsFor(topics.results()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toSet());
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(results);
            assertThat(committed.values())
                    .as("offsets of the results topic committed")
                    .allMatch(o -> o == null);
        }
    }

    private static List<Map<String, Object>> deliveries(StoreDatabase db) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(
                                "select id, job_id, target, event_type, payload from webhook_deliveries order by id")
                        .mapToMap()
                        .list());
    }

    private static JobRequested withWebhook(String job) {
        JobRequested r = WireFixtures.request(job, TENANT);
        return new JobRequested(
                r.schemaVersion(),
                r.jobId(),
                r.tenantId(),
                r.apiKeyId(),
                r.model(),
                r.kind(),
                r.input(),
                r.priority(),
                r.deadline(),
                new WebhookTarget("https://hooks.example.com/jobs", List.of()),
                r.metadata(),
                r.idempotencyKey(),
                r.replyTo(),
                r.acceptedAt());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, "job-1", value)).get(10, TimeUnit.SECONDS);
    }
}
