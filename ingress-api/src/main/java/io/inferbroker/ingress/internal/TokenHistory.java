package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.WireSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
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
 * Reads the token deltas jobs already produced back from the tokens topic. A job's deltas live in
 * the partition its id maps to; the reader of that partition serves every job waiting on it in one
 * pass, from the oldest creation time among them (found with {@code offsetsForTimes}) up to the end
 * of the partition as of the pass, so a thousand streams opening at once cost one short scan per
 * partition, not a thousand. Nothing is committed and no consumer group is joined: live consumers
 * are not disturbed. Thread-safe; close it to release the consumers.
 */
final class TokenHistory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenHistory.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Producer and broker clocks differ a little: start reading somewhat before the job was created. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(5);

    private final Properties props;
    private final String topic;
    private final Duration timeout;
    private final Map<Integer, List<Request>> pending = new HashMap<>();
    private final Set<Integer> reading = new HashSet<>();
    private final Map<Integer, KafkaConsumer<String, byte[]>> consumers = new ConcurrentHashMap<>();
    private final ExecutorService readers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("token-history-", 0).factory());
    private final LongAdder scanned = new LongAdder();
    private volatile int partitions;
    private volatile boolean closed;

    private record Request(
            String jobId, long fromMillis, long untilMillis, List<TokenDelta> deltas, CompletableFuture<Void> done) {}

    TokenHistory(Properties kafkaClient, String topic, Duration timeout) {
        Properties p = new Properties();
        p.putAll(kafkaClient);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // A reader asks only for what is already written. A fetch the consumer sent ahead at the end
        // of a pass would otherwise wait at the broker for new records (500 ms by default) and hold
        // up the partition's next pass: a stream opening then waited that long for its first token.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        this.props = p;
        this.topic = topic;
        this.timeout = timeout;
    }

    /**
     * The job's deltas in the order they were produced.
     *
     * @param createdAt when the job was accepted: no delta of it is older
     * @param until when the job finished, to leave out what came later; null for a live job
     * @throws KafkaException when the topic cannot be read within the timeout
     */
    List<TokenDelta> read(String jobId, Instant createdAt, @Nullable Instant until) throws InterruptedException {
        if (closed) {
            throw new KafkaException("the ingress is stopping");
        }
        int partition = partitionOf(jobId);
        long untilMillis =
                until == null ? Long.MAX_VALUE : until.plus(CLOCK_SLACK).toEpochMilli();
        Request request = new Request(
                jobId,
                createdAt.minus(CLOCK_SLACK).toEpochMilli(),
                untilMillis,
                new ArrayList<>(),
                new CompletableFuture<>());
        boolean start;
        synchronized (pending) {
            pending.computeIfAbsent(partition, p -> new ArrayList<>()).add(request);
            start = reading.add(partition);
        }
        if (start) {
            readers.execute(() -> drain(partition));
        }
        try {
            request.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return request.deltas();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("reading the tokens of job " + jobId + " took longer than " + timeout);
        }
    }

    /** Serves the partition's waiting requests, pass after pass, until none is left. */
    private void drain(int partition) {
        while (true) {
            List<Request> batch;
            synchronized (pending) {
                batch = pending.remove(partition);
                if (batch == null || batch.isEmpty() || closed) {
                    reading.remove(partition);
                    if (batch != null) {
                        batch.forEach(
                                r -> r.done().completeExceptionally(new KafkaException("the ingress is stopping")));
                    }
                    return;
                }
            }
            try {
                serve(partition, batch);
                batch.forEach(r -> r.done().complete(null));
            } catch (KafkaException | IllegalStateException e) {
                LOG.warn("cannot read tokens of partition {}-{}: {}", topic, partition, e.toString());
                batch.forEach(r -> r.done().completeExceptionally(e));
                KafkaConsumer<String, byte[]> broken = consumers.remove(partition);
                if (broken != null) {
                    broken.close(CloseOptions.timeout(Duration.ZERO));
                }
            }
        }
    }

    /** Records this reader has gone through (or will, for passes under way), every job's counted. */
    long recordsScanned() {
        return scanned.sum();
    }

    private void serve(int partition, List<Request> batch) {
        TopicPartition tp = new TopicPartition(topic, partition);
        KafkaConsumer<String, byte[]> consumer = consumers.computeIfAbsent(partition, p -> newConsumer(tp));
        long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
        long from = batch.stream().mapToLong(Request::fromMillis).min().orElseThrow();
        OffsetAndTimestamp start =
                consumer.offsetsForTimes(Map.of(tp, from), timeout).get(tp);
        if (start == null || start.offset() >= end) {
            return;
        }
        long until = batch.stream().mapToLong(Request::untilMillis).max().orElseThrow();
        if (until < Long.MAX_VALUE) {
            // Finished jobs only: what the partition took after they ended is not read, however
            // much it is (a job of last week does not cost a week of tokens).
            OffsetAndTimestamp stop =
                    consumer.offsetsForTimes(Map.of(tp, until + 1), timeout).get(tp);
            if (stop != null) {
                end = Math.min(end, stop.offset());
            }
        }
        if (start.offset() >= end) {
            return;
        }
        scanned.add(end - start.offset());
        Map<String, List<Request>> byJob = new HashMap<>();
        batch.forEach(
                r -> byJob.computeIfAbsent(r.jobId(), k -> new ArrayList<>()).add(r));
        consumer.seek(tp, start.offset());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException("reading " + tp + " took longer than " + timeout);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= end) {
                    return;
                }
                List<Request> waiting = r.key() == null || r.value() == null ? null : byJob.get(r.key());
                if (waiting != null) {
                    TokenDelta delta = decode(r);
                    for (Request w : waiting) {
                        if (delta != null && r.timestamp() <= w.untilMillis()) {
                            w.deltas().add(delta);
                        }
                    }
                }
            }
        }
    }

    private KafkaConsumer<String, byte[]> newConsumer(TopicPartition tp) {
        Properties p = new Properties();
        p.putAll(props);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "token-history-" + tp.partition() + "-" + UUID.randomUUID());
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(tp));
        return consumer;
    }

    private int partitionOf(String jobId) {
        int count = partitions;
        if (count == 0) {
            try (KafkaConsumer<String, byte[]> c =
                    new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
                List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
                if (infos == null || infos.isEmpty()) {
                    throw new KafkaException("topic " + topic + " does not exist");
                }
                count = infos.size();
                partitions = count;
            }
        }
        // The producers' default partitioner: murmur2 of the key (the job id).
        return Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % count;
    }

    private static @Nullable TokenDelta decode(ConsumerRecord<String, byte[]> r) {
        try {
            return WireSerdes.TOKEN_DELTA.deserialize(r.topic(), r.value());
        } catch (KafkaException e) {
            LOG.warn("skipping unreadable token {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        readers.shutdownNow();
        for (KafkaConsumer<String, byte[]> c : consumers.values()) {
            try {
                c.close(CloseOptions.timeout(Duration.ZERO));
            } catch (RuntimeException e) {
                // still in use by a reader that is being interrupted; it ends with the process
            }
        }
        consumers.clear();
    }
}
