package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL goes away under a running sink (every connection cut, new ones refused, through a TCP
 * proxy) and comes back on the same address; then the store itself restarts. Nothing is lost.
 */
@ExtendWith(InfraExtension.class)
class StoreOutageIT {
    private static final String TENANT = "ten_outage";
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Pattern HOST_PORT = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/");

    @Test
    void shouldStopCommittingWhilePostgresIsDownAndLoseNothing(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        Matcher m = HOST_PORT.matcher(pg.jdbcUrl());
        assertThat(m.find()).isTrue();
        TopicNames topics = kafka.topics();
        String group = topics.prefix() + "store";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TcpProxy proxy = new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
                StoreDatabase direct = open(pg, pg.jdbcUrl(), registry);
                StoreDatabase db = open(
                        pg,
                        pg.jdbcUrl().replace(m.group(0), "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/"),
                        registry);
                var producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_RESULT);
                Admin admin = Admin.create(kafka.clientProps())) {
            ResultSink sink = new ResultSink(db, topics, kafka.clientProps(), group, registry, Clock.systemUTC());
            sink.start();
            send(producer, topics, "before");
            awaitStored(direct, "before");
            long committedBefore = committed(admin, group);

            proxy.cut();
            IntStream.range(0, 20).forEach(i -> send(producer, topics, "during-" + i));
            await().atMost(WAIT).until(() -> !sink.isReady());
            assertThat(committed(admin, group)).isEqualTo(committedBefore);
            assertThat(direct.jobs().find(TENANT, "during-0")).isEmpty();

            proxy.restore();
            IntStream.range(0, 20).forEach(i -> awaitStored(direct, "during-" + i));
            await().atMost(WAIT).until(sink::isReady);
            await().atMost(WAIT).until(() -> committed(admin, group) == committedBefore + 20);

            // The store restarts: what arrived while it was away is stored by the next one.
            sink.close();
            IntStream.range(0, 5).forEach(i -> send(producer, topics, "restart-" + i));
            try (ResultSink next =
                    new ResultSink(db, topics, kafka.clientProps(), group, registry, Clock.systemUTC())) {
                next.start();
                IntStream.range(0, 5).forEach(i -> awaitStored(direct, "restart-" + i));
            }
        }
    }

    private static StoreDatabase open(PostgresInfra pg, String url, SimpleMeterRegistry registry) {
        return StoreDatabase.open(new StoreConfig(url, pg.user(), pg.password(), 2, pg.schema()), registry);
    }

    private static void send(KafkaProducer<String, JobResult> producer, TopicNames topics, String jobId) {
        try {
            producer.send(new ProducerRecord<>(
                            topics.results(), jobId, WireFixtures.succeeded(jobId, TENANT, "w", 1, jobId)))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot send " + jobId, e);
        }
    }

    private static void awaitStored(StoreDatabase db, String jobId) {
        await().atMost(WAIT)
                .until(() -> db.jobs()
                        .find(TENANT, jobId)
                        .map(j -> j.status() == JobStatus.SUCCEEDED)
                        .orElse(false));
    }

    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        return offsets.values().stream()
                .filter(o -> o != null)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }
}
