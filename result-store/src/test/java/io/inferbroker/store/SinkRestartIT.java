package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A store process killed with SIGKILL leaves its consumer group without saying so; its partitions
 * stay with it until its session expires. The sink restarted in its place must say it is ready only
 * once it has them, and must have them soon.
 */
@ExtendWith(InfraExtension.class)
class SinkRestartIT {
    private static final String TENANT = "ten_restart";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private KafkaInfra kafka;
    private StoreConfig config;
    private TopicNames topics;
    private StoreDatabase db;
    private KafkaProducer<String, byte[]> producer;
    private @Nullable Process child;
    private @Nullable ResultSink sink;

    @BeforeEach
    void open(KafkaInfra kafka, PostgresInfra pg) {
        this.kafka = kafka;
        this.topics = kafka.topics();
        config = new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema());
        db = StoreDatabase.open(config, registry);
        producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void close() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (sink != null) {
            sink.close();
        }
        producer.close(Duration.ofSeconds(5));
        db.close();
    }

    @Test
    void shouldBeReadyOnlyWithItsPartitionsAndGetThemWithinTheSessionTimeoutAfterAKill() throws Exception {
        Duration recovery = killAndRestart(null);

        assertThat(recovery).isLessThan(ResultSink.SESSION_TIMEOUT.plusSeconds(8));
    }

    @Test
    void shouldGetItsPartitionsBackAtOnceWhenRestartedWithItsStaticInstanceId() throws Exception {
        Duration recovery = killAndRestart("store-1");

        assertThat(recovery).isLessThan(Duration.ofSeconds(5));
    }

    /**
     * Runs a sink in a child process until it stored a job, kills it, starts a sink of the same group
     * here and measures the time from its start to a job sent after the kill being stored.
     */
    private Duration killAndRestart(@Nullable String instanceId) throws Exception {
        String group = topics.prefix() + "store";
        child = SinkProcess.start(kafka.bootstrapServers(), config, topics, group, instanceId);
        CountDownLatch childReady = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> readOutput(child, childReady));
        assertThat(childReady.await(60, TimeUnit.SECONDS))
                .as("child sink ready")
                .isTrue();
        sendRequest("job-before");
        await().atMost(Duration.ofSeconds(30)).until(() -> stored("job-before"));

        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        sendRequest("job-after");

        Properties props = kafka.clientProps();
        if (instanceId != null) {
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        long start = System.nanoTime();
        AtomicLong readyAt = new AtomicLong();
        sink = new ResultSink(db, topics, props, group, registry, Clock.systemUTC());
        sink.start();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (readyAt.get() == 0 && sink.isReady()) {
                        readyAt.set(System.nanoTime());
                    }
                    return stored("job-after");
                });
        long storedAt = System.nanoTime();
        Duration recovery = Duration.ofNanos(storedAt - start);
        System.out.printf(
                "restarted sink (%s): ready after %d ms, storing after %d ms%n",
                instanceId == null ? "dynamic member" : "static member " + instanceId,
                readyAt.get() == 0 ? -1 : (readyAt.get() - start) / 1_000_000,
                recovery.toMillis());
        // readiness means working: it came with the partitions, not long before the first write
        assertThat(readyAt.get()).as("ready before storing").isNotZero();
        assertThat(Duration.ofNanos(storedAt - readyAt.get())).isLessThan(Duration.ofSeconds(3));
        return recovery;
    }

    private static void readOutput(Process process, CountDownLatch ready) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals(SinkProcess.READY)) {
                    ready.countDown();
                }
            }
        } catch (java.io.IOException e) {
            // the process was killed
        }
    }

    private void sendRequest(String job) throws Exception {
        producer.send(new ProducerRecord<>(
                        topics.requests(),
                        job,
                        WireSerdes.JOB_REQUESTED.serialize(topics.requests(), WireFixtures.request(job, TENANT))))
                .get(10, TimeUnit.SECONDS);
    }

    private boolean stored(String job) {
        return db.jobs().find(TENANT, job).isPresent();
    }
}
