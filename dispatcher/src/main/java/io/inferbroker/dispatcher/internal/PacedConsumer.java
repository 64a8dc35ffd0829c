package io.inferbroker.dispatcher.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A Kafka Streams consumer whose polls may block longer than Streams asked, as its {@link Pacing}
 * allows. A lengthened poll still returns as soon as records arrive; it blocks in slices of at most
 * {@link PollPacer#SLICE} and stops early once the pacing no longer allows waiting (closing,
 * rebalancing), so a closing client is not held up.
 */
final class PacedConsumer extends KafkaConsumer<byte[], byte[]> {
    /** How long the polls of one consumer may block. */
    interface Pacing {
        /** The wait for a poll Streams asked to block {@code requestedMillis}, at wall-clock time {@code nowMillis}. */
        long pollMillis(long requestedMillis, long nowMillis);

        /** Whether a lengthened poll may go on blocking. */
        boolean mayWait();
    }

    private final Pacing pacing;

    PacedConsumer(Map<String, Object> config, Pacing pacing) {
        super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.pacing = pacing;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        long requested = timeout.toMillis();
        long wait = pacing.pollMillis(requested, System.currentTimeMillis());
        if (wait <= requested) {
            return super.poll(timeout);
        }
        long slice = PollPacer.SLICE.toMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            ConsumerRecords<byte[], byte[]> records = super.poll(Duration.ofMillis(Math.max(0, Math.min(left, slice))));
            if (!records.isEmpty() || left <= slice || !pacing.mayWait()) {
                return records;
            }
        }
    }
}
