package io.inferbroker.store.internal;

import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result sink's poll loop: each poll's records are decoded, written in one transaction, and only
 * then committed. When the write fails the consumer is rewound to the start of the batch (its last
 * committed positions) and the batch is retried after a growing pause, so nothing is lost. Poison
 * records (unreadable, breaking the contract, or refused by PostgreSQL on their own) are written to
 * the dead letters, logged and skipped; the batch is committed only once their dead letters are
 * stored too. Runs on one thread; only {@link #stop()} and {@link #isReady()} may
 * be called from others.
 *
 * <p>The loop counts as ready only once its consumer group has given it its partitions: a consumer
 * that subscribed but still waits for the group (for instance for a killed member's session to
 * expire) stores nothing.
 */
public final class SinkLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(30);
    /** The error code of a job whose result PostgreSQL refused. */
    static final String RESULT_NOT_STORED = "result_not_stored";

    private final Consumer<byte[], byte[]> consumer;
    private final RecordDecoder decoder;
    private final RecordWriter writer;
    private final ResultStoreMetrics metrics;
    private final Backoff backoff;
    private final DeadLetterOutbox deadLetters;
    private final InstantSource clock;
    private final List<CompletableFuture<Void>> pendingLetters = new ArrayList<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile boolean pollFailing;
    private volatile boolean writeFailing;

    public SinkLoop(
            Consumer<byte[], byte[]> consumer,
            RecordDecoder decoder,
            RecordWriter writer,
            ResultStoreMetrics metrics,
            Backoff backoff,
            DeadLetterOutbox deadLetters,
            InstantSource clock) {
        this.consumer = consumer;
        this.decoder = decoder;
        this.writer = writer;
        this.metrics = metrics;
        this.backoff = backoff;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /** Subscribes, then polls and writes until {@link #stop()}; closes the consumer on the way out. */
    @Override
    public void run() {
        try {
            subscribe();
            while (!isStopping() && !Thread.currentThread().isInterrupted()) {
                pollOnce();
            }
        } catch (WakeupException | InterruptException e) {
            // stop() woke the consumer up, or the thread was interrupted: either way, we are done
        } finally {
            running = false;
            closeConsumer();
        }
    }

    /**
     * Subscribes to the sink's topics; the loop becomes ready when the group assigns it partitions
     * (during a poll), and stays so until a poll or a write fails or the partitions are lost.
     */
    public void subscribe() {
        consumer.subscribe(decoder.topicNames(), new Assignment());
        running = true;
    }

    /** One poll: write what came, commit it, or rewind and pause after a failure. */
    public void pollOnce() {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            pollFailing = true;
            LOG.warn("result sink cannot poll Kafka, retrying: {}", e.getMessage());
            pause();
            return;
        }
        pollFailing = false;
        if (records.isEmpty()) {
            return;
        }
        List<Decoded> batch = new ArrayList<>(records.count());
        pendingLetters.clear();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Decoded d = decoder.decode(r.topic(), r.partition(), r.offset(), r.value());
            if (d instanceof Decoded.Poison p) {
                skip(r, p.reason(), p.field());
            } else {
                batch.add(d);
            }
        }
        if (!batch.isEmpty() && !store(batch, records) || !deadLettersStored()) {
            rewind(records);
            pause();
            return;
        }
        commit(records);
        writeFailing = false;
        backoff.reset();
    }

    /**
     * True while subscribed, in the group and working: false until the group first assigned the
     * consumer its partitions (an empty share counts: more sinks than partitions), after it lost them
     * until it has them again, from a failed write until a write succeeds again, from a failed poll
     * until a poll succeeds again, and after the loop ended.
     */
    public boolean isReady() {
        return running && assigned && !pollFailing && !writeFailing;
    }

    /** Asks the loop to end; returns at once. Idempotent; callable from any thread. */
    public void stop() {
        stopping.countDown();
        consumer.wakeup();
    }

    /** Writes the batch; on a data error, writes its records one by one and skips those the database rejects. */
    private boolean store(List<Decoded> batch, ConsumerRecords<byte[], byte[]> records) {
        long start = System.nanoTime();
        try {
            writer.write(batch);
        } catch (RuntimeException e) {
            FailureKind kind = FailureKind.of(e);
            metrics.failure(kind);
            if (kind.isPermanent()) {
                LOG.warn(
                        "PostgreSQL rejected a batch of {} records ({}); writing them one by one",
                        batch.size(),
                        StoreErrors.reason(e));
                return storeEach(batch, records);
            }
            return failed(batch.size(), e);
        }
        metrics.batch(batch.size(), Duration.ofNanos(System.nanoTime() - start));
        batch.forEach(d -> metrics.written(d.source().topic()));
        return true;
    }

    private boolean storeEach(List<Decoded> batch, ConsumerRecords<byte[], byte[]> records) {
        for (Decoded d : batch) {
            long start = System.nanoTime();
            try {
                writer.write(List.of(d));
                metrics.batch(1, Duration.ofNanos(System.nanoTime() - start));
                metrics.written(d.source().topic());
            } catch (RuntimeException e) {
                FailureKind kind = FailureKind.of(e);
                if (!kind.isPermanent()) {
                    metrics.failure(kind);
                    return failed(1, e);
                }
                String reason = "rejected by PostgreSQL: " + StoreErrors.reason(e);
                skip(recordAt(records, d.source()), reason, null);
                if (d instanceof Decoded.Result refused && !storeInstead(refused, reason)) {
                    return failed(1, e);
                }
            }
        }
        return true;
    }

    /**
     * A result PostgreSQL refuses must still end its job, or the job would wait for ever: it is
     * stored as {@code failed} with {@code result_not_stored}, keeping only what the database takes
     * (the original stays on Kafka and in the dead letters). False when even that could not be written
     * for a reason that may pass (the batch is then read again).
     */
    private boolean storeInstead(Decoded.Result refused, String reason) {
        JobResult r = refused.value();
        String message =
                "the job's result could not be stored (" + truncate(reason) + "); it is kept in " + "the dead letters";
        Instant now = clock.instant();
        List<Timings> attempts = List.of(r.timings(), new Timings(now, null, null, null, now));
        for (Timings timings : attempts) {
            JobResult instead = new JobResult(
                    r.schemaVersion(),
                    r.jobId(),
                    r.tenantId(),
                    r.model(),
                    JobStatus.FAILED,
                    null,
                    new JobError(RESULT_NOT_STORED, message),
                    null,
                    null,
                    r.workerId(),
                    r.attempt(),
                    timings);
            try {
                writer.write(List.of(new Decoded.Result(refused.source(), instead)));
                metrics.written(refused.source().topic());
                return true;
            } catch (RuntimeException e) {
                if (!FailureKind.of(e).isPermanent()) {
                    return false;
                }
            }
        }
        LOG.warn("job {} has a result PostgreSQL refuses and could not be marked failed", r.jobId());
        return true;
    }

    private static String truncate(String reason) {
        return reason.length() <= 300 ? reason : reason.substring(0, 300) + "...";
    }

    private boolean failed(int records, RuntimeException e) {
        writeFailing = true;
        LOG.warn("cannot write {} records to PostgreSQL, will retry: {}", records, StoreErrors.reason(e));
        return false;
    }

    /** Counts, logs and dead-letters a record the store cannot take; the letter is awaited before the commit. */
    private void skip(ConsumerRecord<byte[], byte[]> r, String reason, @Nullable String field) {
        Source source = decoder.sourceOf(r.topic(), r.partition(), r.offset());
        metrics.poison(source.topic());
        metrics.deadLetter(r.topic());
        LOG.warn("skipping record {}, written to the dead letters: {}", source, reason);
        DeadLetter letter = DeadLetter.of(
                ConsumerRole.STORE,
                r.topic(),
                r.partition(),
                r.offset(),
                r.key(),
                r.value(),
                reason,
                field,
                clock.instant());
        try {
            pendingLetters.add(deadLetters.send(letter));
        } catch (RuntimeException e) {
            pendingLetters.add(CompletableFuture.failedFuture(e));
        }
    }

    /** Waits for this poll's dead letters; false (the batch is read again) when one could not be written. */
    private boolean deadLettersStored() {
        if (pendingLetters.isEmpty()) {
            return true;
        }
        try {
            CompletableFuture.allOf(pendingLetters.toArray(CompletableFuture[]::new))
                    .get(DEAD_LETTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            writeFailing = true;
            LOG.warn("cannot write dead letters, will read the batch again: {}", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static ConsumerRecord<byte[], byte[]> recordAt(ConsumerRecords<byte[], byte[]> records, Source source) {
        return records.records(new TopicPartition(source.topicName(), source.partition())).stream()
                .filter(r -> r.offset() == source.offset())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no record at " + source + " in the batch"));
    }

    /** Back to the first record of the batch in each partition, i.e. the last committed positions. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    private void commit(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(records.nextOffsets());
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            offsets.putIfAbsent(
                    tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // The records are stored; whoever reads them again writes the same rows again.
            LOG.warn("cannot commit offsets; the records will be delivered and written again: {}", e.getMessage());
        }
    }

    private void pause() {
        try {
            stopping.await(backoff.next().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isStopping() {
        return stopping.getCount() == 0;
    }

    /** Tracks whether the group has given this consumer its share; called on the loop's thread. */
    private final class Assignment implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!assigned) {
                LOG.info("result sink joined its group, {} partitions assigned", partitions.size());
            }
            assigned = true;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // a rebalance in progress: the partitions kept are still served
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            assigned = false;
            LOG.warn("result sink lost its {} partitions (session expired); rejoining", partitions.size());
        }
    }

    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (KafkaException e) {
            LOG.warn("result sink consumer did not close cleanly: {}", e.getMessage());
        }
    }
}
