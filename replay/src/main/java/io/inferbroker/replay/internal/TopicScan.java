package io.inferbroker.replay.internal;

import io.inferbroker.replay.ReplayException;
import io.inferbroker.replay.ReplayProgress;
import io.inferbroker.replay.ReplaySource;
import io.inferbroker.replay.SkippedRecords;
import io.inferbroker.schemas.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads spans of partitions with a manual assignment: no consumer group, nothing committed; records
 * without a value (tombstones) are skipped, and so are records the sink cannot read (counted in
 * {@link #skipped()}: one bad record must not stop an audit). Spans
 * end at the offsets found when they were planned, so a scan ends even while producers keep writing.
 * Not thread-safe; close it after use.
 */
public final class TopicScan implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicScan.class);
    private static final Duration API_TIMEOUT = ReplaySource.API_TIMEOUT;
    private static final Duration POLL = Duration.ofMillis(200);
    /** A read that gets no record for this long while offsets remain has stalled. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ReplaySource source;
    private final List<String> skippedFirst = new ArrayList<>();
    private long skipped;

    private TopicScan(KafkaConsumer<byte[], byte[]> consumer, ReplaySource source) {
        this.consumer = consumer;
        this.source = source;
    }

    /** A scan tuned for throughput: large fetches and polls, no CRC checks, read-committed. */
    public static TopicScan open(ReplaySource source) {
        Properties p = source.consumerSettings();
        try {
            return new TopicScan(
                    new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer()), source);
        } catch (KafkaException e) {
            throw new ReplayException("cannot create a Kafka consumer for " + source.bootstrapServers(), e);
        }
    }

    /**
     * The spans of {@code topic} between the first offsets at or after {@code from} and {@code to} in
     * each partition; {@code from == null} starts at the beginning. Partitions with nothing to read
     * are left out.
     *
     * @throws ReplayException when Kafka does not answer or the topic does not exist
     */
    public List<PartitionSpan> plan(Topic topic, @Nullable Instant from, Instant to) {
        String name = source.topics().name(topic);
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(name, API_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new ReplayException("topic " + name + " does not exist on " + source.bootstrapServers());
            }
            List<TopicPartition> tps = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, API_TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, API_TIMEOUT);
            Map<TopicPartition, @Nullable OffsetAndTimestamp> atFrom = from == null ? Map.of() : at(tps, from);
            Map<TopicPartition, @Nullable OffsetAndTimestamp> atTo = at(tps, to);
            List<PartitionSpan> spans = new ArrayList<>();
            for (TopicPartition tp : tps) {
                long last = end.get(tp);
                long start = from == null ? begin.get(tp) : offsetOr(atFrom.get(tp), last);
                long stop = Math.min(last, offsetOr(atTo.get(tp), last));
                if (start < stop) {
                    spans.add(new PartitionSpan(topic, tp, start, stop));
                }
            }
            return spans;
        } catch (KafkaException e) {
            throw new ReplayException(
                    "cannot read the offsets of topic " + name + " on " + source.bootstrapServers() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private Map<TopicPartition, @Nullable OffsetAndTimestamp> at(List<TopicPartition> tps, Instant t) {
        Map<TopicPartition, Long> query = new HashMap<>();
        long millis = Math.max(0, t.toEpochMilli());
        tps.forEach(tp -> query.put(tp, millis));
        return consumer.offsetsForTimes(query, API_TIMEOUT);
    }

    private static long offsetOr(@Nullable OffsetAndTimestamp found, long otherwise) {
        return found == null ? otherwise : found.offset();
    }

    /**
     * Reads every span to its end and hands each record to {@code sink}, reporting progress as it goes.
     *
     * @throws ReplayException when Kafka fails or no record arrives for a minute while offsets remain
     */
    public void read(List<PartitionSpan> spans, RecordSink sink, ReplayProgress progress) {
        Map<TopicPartition, Cursor> open = new HashMap<>();
        for (PartitionSpan s : spans) {
            open.put(s.partition(), new Cursor(s));
        }
        if (open.isEmpty()) {
            return;
        }
        try {
            consumer.assign(open.keySet());
            open.values().forEach(c -> consumer.seek(c.span.partition(), c.span.start()));
            long lastRecordAt = System.nanoTime();
            while (!open.isEmpty()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                long read = 0;
                for (TopicPartition tp : records.partitions()) {
                    Cursor c = open.get(tp);
                    if (c != null) {
                        read += c.feed(records.records(tp), sink, this::skip);
                    }
                }
                read += closeFinished(open);
                progress.advance(read);
                if (!records.isEmpty()) {
                    lastRecordAt = System.nanoTime();
                } else if (System.nanoTime() - lastRecordAt > STALL.toNanos()) {
                    throw new ReplayException("replay stalled: no record for " + STALL.toSeconds() + " s while "
                            + open.keySet() + " still had offsets to read");
                }
            }
        } catch (KafkaException e) {
            throw new ReplayException("replay read failed on " + source.bootstrapServers() + ": " + e.getMessage(), e);
        } finally {
            consumer.assign(List.of());
        }
    }

    /** Drops the partitions whose position reached their stop; returns the offsets skipped doing so. */
    private long closeFinished(Map<TopicPartition, Cursor> open) {
        long skipped = 0;
        var it = open.values().iterator();
        while (it.hasNext()) {
            Cursor c = it.next();
            if (c.done || consumer.position(c.span.partition()) >= c.span.stop()) {
                skipped += c.span.size() - c.counted;
                it.remove();
                consumer.pause(List.of(c.span.partition()));
            }
        }
        return skipped;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** The records this scan could not read and went past, over every read so far. */
    public SkippedRecords skipped() {
        return new SkippedRecords(skipped, skippedFirst);
    }

    private void skip(ConsumerRecord<byte[], byte[]> r, RuntimeException why) {
        skipped++;
        if (skippedFirst.size() < SkippedRecords.NAMED) {
            skippedFirst.add(Views.where(r) + ": " + why.getMessage());
        }
        LOG.warn("skipping the record at {}, which cannot be read: {}", Views.where(r), why.getMessage());
    }

    /** Where a record that cannot be read is reported. */
    private interface Skip {
        void skipped(ConsumerRecord<byte[], byte[]> r, RuntimeException why);
    }

    /** How far one partition's span has been read. */
    private static final class Cursor {
        private final PartitionSpan span;
        private long counted;
        private boolean done;

        Cursor(PartitionSpan span) {
            this.span = span;
        }

        long feed(List<ConsumerRecord<byte[], byte[]>> records, RecordSink sink, Skip skip) {
            long before = counted;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.offset() >= span.stop()) {
                    done = true;
                    break;
                }
                if (r.value() != null) {
                    try {
                        sink.accept(span.topic(), r);
                    } catch (UnreadableRecordException | SerializationException e) {
                        skip.skipped(r, e);
                    }
                }
                counted = r.offset() + 1 - span.start();
            }
            return counted - before;
        }
    }
}
