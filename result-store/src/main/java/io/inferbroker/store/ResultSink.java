package io.inferbroker.store;

import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.internal.Backoff;
import io.inferbroker.store.internal.DeliveryPlanner;
import io.inferbroker.store.internal.JdbiRecordWriter;
import io.inferbroker.store.internal.JobWriter;
import io.inferbroker.store.internal.RecordDecoder;
import io.inferbroker.store.internal.ResultStoreMetrics;
import io.inferbroker.store.internal.SinkLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the requests, events and results topics into PostgreSQL, on a thread of its own.
 *
 * <p>Each poll is written in one transaction and committed to Kafka only afterwards; every write is
 * idempotent and order-independent, so redeliveries and records arriving in any order across topics
 * end in the same rows. While PostgreSQL rejects writes the sink keeps re-reading the same records
 * with a growing pause (100 ms up to 5 s) and {@link #isReady()} is false; nothing is skipped except
 * poison records (unreadable, breaking the wire contract, or refused by PostgreSQL on their own), which
 * are written to the dead-letter topic, counted ({@code broker.store.records.poison} and {@code
 * broker.dead_letters}) and logged with their topic, partition and offset; their offsets are
 * committed only once the dead letters are stored.
 * {@link #isReady()} is also false until the consumer group has given the sink its partitions.
 *
 * <p>The same transaction creates the webhook messages the stored transitions call for (see {@link
 * WebhookDispatcher}), so a transition is never stored without them nor they without it.
 *
 * <p>The owner calls {@link #start()} once and {@link #close()} before closing the {@link
 * StoreDatabase}. Thread-safe.
 */
public final class ResultSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultSink.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);
    /** The group session: how long partitions of a sink that died stay with it. */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(3);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<String, byte[]> deadLetterProducer;
    private final SinkLoop loop;
    private final ResultStoreMetrics metrics;
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param kafkaProps client settings, at least {@code bootstrap.servers}; the sink sets its own group,
     *     deserializers, manual commits and {@code read_committed}, and unless told otherwise reads
     *     from the earliest offset when the group has none and uses a {@link #SESSION_TIMEOUT} session.
     *     A {@code group.instance.id} makes the sink a static member: restarted with the same id it
     *     gets its partitions back at once instead of after the session timeout. The id must be
     *     stable per process and never shared by two running sinks (the later one fences the other)
     * @param groupId the consumer group; sinks sharing it share the partitions
     * @param clock stamps {@code updated_at} and the receipt time of results
     */
    public ResultSink(
            StoreDatabase db,
            TopicNames topics,
            Properties kafkaProps,
            String groupId,
            MeterRegistry registry,
            Clock clock) {
        Properties p = new Properties();
        p.putAll(kafkaProps);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A killed sink keeps its partitions until its session expires, and a restarted one waits for
        // that: the client's default of 45 s would keep results, events and webhooks waiting as long.
        p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(SESSION_TIMEOUT.toMillis()));
        p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(HEARTBEAT_INTERVAL.toMillis()));
        // Larger polls mean fewer, larger transactions: the commit's flush is the costliest step.
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-sink");
        // The same properties usually configure the broker's producers too.
        p.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        p.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties pp = new Properties();
        pp.putAll(kafkaProps);
        pp.remove(ConsumerConfig.GROUP_ID_CONFIG);
        pp.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        pp.put(ProducerConfig.CLIENT_ID_CONFIG, groupId + "-dead-letters");
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        this.deadLetterProducer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
        this.metrics = new ResultStoreMetrics(registry);
        this.loop = new SinkLoop(
                consumer,
                new RecordDecoder(topics),
                new JdbiRecordWriter(
                        db.jdbi(),
                        new JobWriter(WireJson.newMapper(), clock),
                        new DeliveryPlanner(WireJson.newMapper()),
                        clock),
                metrics,
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)),
                letter -> send(topics, letter),
                clock);
        metrics.readiness(this::isReady);
        this.thread = new Thread(loop, "result-sink");
        // Offsets are committed only after writes, so a JVM exiting without close() loses nothing.
        thread.setDaemon(true);
    }

    private CompletableFuture<Void> send(TopicNames topics, DeadLetter letter) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        deadLetterProducer.send(
                new ProducerRecord<>(
                        topics.deadLetters(),
                        letter.sourceRef(),
                        WireSerdes.DEAD_LETTER.serialize(topics.deadLetters(), letter)),
                (meta, error) -> {
                    if (error == null) {
                        stored.complete(null);
                    } else {
                        stored.completeExceptionally(error);
                    }
                });
        return stored;
    }

    /** Starts consuming on the sink's own thread. Call once. */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("result sink is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("result sink already started");
        }
        thread.start();
    }

    /**
     * True while running, holding the partitions its group gave it and writing successfully; false
     * before start, until the group assigned partitions, while writes fail, and after close.
     */
    public boolean isReady() {
        return started.get() && !closed.get() && loop.isReady();
    }

    /** Stops consuming and waits (briefly) for the current batch to finish; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        metrics.removeReadiness();
        if (!started.get()) {
            consumer.close();
            deadLetterProducer.close(Duration.ZERO);
            return;
        }
        loop.stop();
        try {
            thread.join(JOIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("result sink did not stop within {}", JOIN_TIMEOUT);
        }
        deadLetterProducer.close(Duration.ofSeconds(5));
    }
}
