package io.inferbroker.ingress.internal;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one compacted topic on its own thread, from the beginning, and hands every record to a
 * handler. Fan-out: every ingress instance reads every partition, assigned by hand (no consumer
 * group, no commits), so a starting instance learns the latest state at once. Values the handler
 * cannot read are logged and skipped. Started on construction; {@link #close()} stops the
 * thread and the consumer, idempotently.
 */
final class FanOutReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(5);
    private static final long BACKOFF_MILLIS = 1000;

    private final String topic;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;

    /**
     * @param handler called on the reader's thread for every record; throws {@link
     *     SerializationException} for a value it cannot read
     */
    FanOutReader(Properties client, String topic, String threadName, Consumer<ConsumerRecord<String, byte[]>> handler) {
        this.topic = topic;
        this.handler = handler;
        Properties p = new Properties();
        p.putAll(client);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, threadName + "-" + Integer.toHexString(hashCode()));
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
        thread.start();
    }

    private void run() {
        try {
            while (!closed.get()) {
                try {
                    if (consumer.assignment().isEmpty()) {
                        assignAll();
                    } else {
                        consumer.poll(POLL).forEach(this::apply);
                    }
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    LOG.warn("cannot read {}: {}; retrying", topic, e.toString());
                    backOff();
                }
            }
        } finally {
            consumer.close(Duration.ZERO);
            stopped.countDown();
        }
    }

    private void assignAll() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, METADATA_WAIT);
        if (partitions == null || partitions.isEmpty()) {
            LOG.warn("topic {} has no partitions yet; retrying", topic);
            backOff();
            return;
        }
        List<TopicPartition> assigned = partitions.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        try {
            handler.accept(record);
        } catch (SerializationException e) {
            LOG.warn(
                    "skipping unreadable record at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    private void backOff() {
        try {
            closing.await(BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.set(true);
        }
    }

    /** Stops reading; waits a few seconds at most for the thread to finish. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing.countDown();
        consumer.wakeup();
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("reader of {} did not stop within 5 s", topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
