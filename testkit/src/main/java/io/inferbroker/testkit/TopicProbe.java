package io.inferbroker.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one topic from the beginning, without a consumer group, and collects what it has seen.
 * Not thread-safe; close it after use.
 */
public final class TopicProbe<V> implements AutoCloseable {
    private final KafkaConsumer<String, V> consumer;
    private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();
    private final String topic;

    TopicProbe(String bootstrapServers, String topic, Deserializer<V> values) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(),
                values);
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Polls until the records seen so far satisfy {@code done} or {@code timeout} passes.
     *
     * @return every record seen so far, in arrival order
     * @throws AssertionError when the condition is not met in time, listing what was seen
     */
    public List<ConsumerRecord<String, V>> awaitUntil(
            Predicate<List<ConsumerRecord<String, V>>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(seen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met on " + topic + " within " + timeout + "; saw "
                        + seen.stream().map(r -> r.key() + "=" + r.value()).toList());
            }
            consumer.poll(Duration.ofMillis(50)).forEach(seen::add);
        }
        return List.copyOf(seen);
    }

    /** Polls until at least {@code count} records arrived. */
    public List<ConsumerRecord<String, V>> awaitCount(int count, Duration timeout) {
        return awaitUntil(records -> records.size() >= count, timeout);
    }

    /** Values seen so far. */
    public List<V> values() {
        return seen.stream().map(ConsumerRecord::value).toList();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
