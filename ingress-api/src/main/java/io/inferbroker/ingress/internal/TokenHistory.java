package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.WireSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the token deltas a job already produced back from the tokens topic: the partition the job's
 * id maps to, from the job's creation time (found with {@code offsetsForTimes}) up to the end of the
 * partition as of the call, or up to {@code until} when the job is finished. Nothing is committed and
 * no consumer group is joined, so live consumers are not disturbed. At most {@value #READERS} reads
 * run at once, each on a pooled consumer. Thread-safe; close it to release the consumers.
 */
final class TokenHistory implements AutoCloseable {
    static final int READERS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(TokenHistory.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Producer and broker clocks differ a little: start reading somewhat before the job was created. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(5);

    private final Properties props;
    private final String topic;
    private final Duration timeout;
    private final Semaphore permits = new Semaphore(READERS);
    private final BlockingQueue<KafkaConsumer<String, byte[]>> idle = new ArrayBlockingQueue<>(READERS);
    private volatile boolean closed;

    TokenHistory(Properties kafkaClient, String topic, Duration timeout) {
        Properties p = new Properties();
        p.putAll(kafkaClient);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        this.props = p;
        this.topic = topic;
        this.timeout = timeout;
    }

    /**
     * The job's deltas in the order they were produced.
     *
     * @param createdAt when the job was accepted: no delta of it is older
     * @param until when the job finished, to stop early; null reads to the current end
     * @throws KafkaException when the topic cannot be read within the timeout
     */
    List<TokenDelta> read(String jobId, Instant createdAt, @Nullable Instant until) throws InterruptedException {
        permits.acquire();
        KafkaConsumer<String, byte[]> consumer = idle.poll();
        try {
            if (consumer == null) {
                Properties p = new Properties();
                p.putAll(props);
                p.put(ConsumerConfig.CLIENT_ID_CONFIG, "token-history-" + UUID.randomUUID());
                consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            }
            List<TokenDelta> deltas = read(consumer, jobId, createdAt, until);
            consumer.unsubscribe();
            if (!closed && idle.offer(consumer)) {
                consumer = null;
            }
            return deltas;
        } finally {
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(Duration.ZERO));
            }
            permits.release();
        }
    }

    private List<TokenDelta> read(
            KafkaConsumer<String, byte[]> consumer, String jobId, Instant createdAt, @Nullable Instant until) {
        TopicPartition tp = partitionOf(consumer, jobId);
        consumer.assign(List.of(tp));
        long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
        OffsetAndTimestamp start = consumer.offsetsForTimes(
                        Map.of(tp, createdAt.minus(CLOCK_SLACK).toEpochMilli()), timeout)
                .get(tp);
        List<TokenDelta> deltas = new ArrayList<>();
        if (start == null || start.offset() >= end) {
            return deltas;
        }
        long stopAfter =
                until == null ? Long.MAX_VALUE : until.plus(CLOCK_SLACK).toEpochMilli();
        consumer.seek(tp, start.offset());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException("reading the tokens of job " + jobId + " took longer than " + timeout);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= end || r.timestamp() > stopAfter) {
                    return deltas;
                }
                if (jobId.equals(r.key()) && r.value() != null) {
                    decode(r, deltas);
                }
            }
        }
        return deltas;
    }

    private TopicPartition partitionOf(KafkaConsumer<String, byte[]> consumer, String jobId) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null || partitions.isEmpty()) {
            throw new KafkaException("topic " + topic + " does not exist");
        }
        // The producers' default partitioner: murmur2 of the key (the job id).
        byte[] key = jobId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions.size());
    }

    private void decode(ConsumerRecord<String, byte[]> r, List<TokenDelta> into) {
        try {
            into.add(WireSerdes.TOKEN_DELTA.deserialize(r.topic(), r.value()));
        } catch (KafkaException e) {
            LOG.warn("skipping unreadable token {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<String, byte[]> c;
        while ((c = idle.poll()) != null) {
            c.close(CloseOptions.timeout(Duration.ZERO));
        }
    }
}
