package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.WireSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Reads the compacted queues topic into a {@link QueueBoard} on its own thread. Fan-out: every
 * ingress instance reads every partition, assigned by hand (no consumer group, no commits), from
 * the beginning, so a starting instance learns every model's latest status at once. Unreadable
 * values are logged and skipped. Started on construction; {@link #close()} stops the thread and the
 * consumer, idempotently.
 */
final class QueueStatusReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueStatusReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(5);
    private static final long BACKOFF_MILLIS = 1000;

    private final String topic;
    private final QueueBoard board;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;

    QueueStatusReader(Properties client, String topic, QueueBoard board) {
        this.topic = topic;
        this.board = board;
        Properties p = new Properties();
        p.putAll(client);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ingress-queues-" + Integer.toHexString(hashCode()));
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name("ingress-queue-status").daemon().unstarted(this::run);
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
                    LOG.warn("cannot read queue statuses from {}: {}; retrying", topic, e.toString());
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
            LOG.warn("topic {} has no partitions yet; queue limits admit everything until it has", topic);
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
        if (record.key() == null) {
            return;
        }
        try {
            QueueStatus status = WireSerdes.QUEUE_STATUS.deserialize(record.topic(), record.value());
            board.update(record.key(), status);
        } catch (SerializationException e) {
            LOG.warn(
                    "skipping unreadable queue status at {}-{}@{}: {}",
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
                LOG.warn("queue status reader of {} did not stop within 5 s", topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
