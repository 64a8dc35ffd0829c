package io.inferbroker.worker.internal;

import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.WireSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's consuming thread: reads its own dispatch partition, skips batches keyed for other
 * workers or addressed to an earlier run of this one, writes batches that do not read or break the
 * wire contract to the dead letters, launches its own and commits an offset once every batch up to it has published its
 * results. On {@link #stop}, it starts nothing new, lets running jobs finish within the grace
 * period, commits and closes the consumer. The consumer belongs to this loop alone.
 */
public final class DispatchLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How often a busy loop commits (an idle one commits at once): a commit per poll cost the loop
     * about a sixth of its time at hundreds of batches a second. A crash replays at most this much
     * more: jobs whose results are out may run again (the result store keeps the first result).
     */
    private static final long COMMIT_EVERY_NANOS = Duration.ofMillis(100).toNanos();

    private final Consumer<String, byte[]> consumer;
    private final TopicPartition partition;
    private final String workerId;
    private final String instance;
    private final JobLauncher launcher;
    private final StatusReporter status;
    private final Publisher publisher;
    private final WorkerMetrics metrics;
    private final InstantSource clock;
    private final OffsetTracker offsets = new OffsetTracker();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long graceEndNanos = Long.MAX_VALUE;

    public DispatchLoop(
            Consumer<String, byte[]> consumer,
            TopicPartition partition,
            String workerId,
            String instance,
            JobLauncher launcher,
            StatusReporter status,
            Publisher publisher,
            WorkerMetrics metrics,
            InstantSource clock) {
        this.consumer = consumer;
        this.partition = partition;
        this.workerId = workerId;
        this.instance = instance;
        this.launcher = launcher;
        this.status = status;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Assigns {@code consumer} the partition of {@code topic} that keys equal to {@code workerId} go
     * to.
     *
     * @throws KafkaException when the topic's partitions cannot be read within {@code timeout}
     */
    public static TopicPartition assign(
            Consumer<String, byte[]> consumer, String topic, String workerId, Duration timeout) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null || partitions.isEmpty()) {
            throw new KafkaException("topic " + topic + " does not exist or has no partitions");
        }
        TopicPartition own = new TopicPartition(topic, DispatchPartition.forWorker(workerId, partitions.size()));
        consumer.assign(List.of(own));
        return own;
    }

    @Override
    public void run() {
        try {
            consume();
            drain();
        } catch (RuntimeException e) {
            LOG.error("worker {} stopped consuming {}", workerId, partition, e);
            status.unhealthy();
        } finally {
            try {
                commit(true);
                consumer.close(CloseOptions.timeout(COMMIT_TIMEOUT));
            } catch (KafkaException e) {
                LOG.warn("worker {} could not commit and close its consumer cleanly: {}", workerId, e.getMessage());
            }
            finished.countDown();
        }
    }

    /** Asks the loop to stop; running jobs get {@code grace} to finish. Returns at once. */
    public void stop(Duration grace) {
        graceEndNanos = System.nanoTime() + grace.toNanos();
        running = false;
    }

    /** Waits up to {@code timeout} for the loop to end; true when it did. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void consume() {
        long lastCommit = System.nanoTime();
        while (running) {
            ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
            for (ConsumerRecord<String, byte[]> record : records) {
                if (!handle(record)) {
                    return;
                }
            }
            if (records.isEmpty() || System.nanoTime() - lastCommit >= COMMIT_EVERY_NANOS) {
                commit(false);
                lastCommit = System.nanoTime();
            }
        }
    }

    /** Returns false when the loop was stopped before the record's jobs all started. */
    private boolean handle(ConsumerRecord<String, byte[]> record) {
        OffsetTracker.Entry entry = offsets.track(record.offset());
        if (!workerId.equals(record.key()) || record.value() == null) {
            entry.done();
            return true;
        }
        DispatchBatch batch;
        try {
            batch = WireSerdes.DISPATCH_BATCH.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            deadLetter(record, e, entry);
            return true;
        }
        launcher.cancel(batch.cancelJobIds());
        if (!batch.isFor(instance)) {
            // Sent to an earlier run of this worker, which did not finish it: the dispatcher sends these
            // jobs again once it sees this run's status. Running them here too would run them twice.
            LOG.info(
                    "worker {} skips batch {} ({} offset {}) of its earlier run {}",
                    workerId,
                    batch.batchId(),
                    partition,
                    record.offset(),
                    batch.workerInstance());
            entry.done();
            return true;
        }
        Optional<CompletableFuture<Void>> published = launcher.launch(batch, this::keepWaiting);
        if (published.isEmpty()) {
            return false;
        }
        published.get().whenComplete((ok, error) -> {
            if (error == null) {
                entry.done();
            } else {
                entry.failed();
                LOG.error(
                        "worker {} could not publish the results of batch {} ({} offset {}); it will run again"
                                + " after a restart",
                        workerId,
                        batch.batchId(),
                        partition,
                        record.offset(),
                        error);
                status.unhealthy();
            }
        });
        return true;
    }

    /**
     * Sets aside a batch that does not read or breaks the contract: a dead letter, logged once. Its
     * offset counts as done once the dead letter is written, so a crash before then reads it again.
     */
    private void deadLetter(
            ConsumerRecord<String, byte[]> record, SerializationException e, OffsetTracker.Entry entry) {
        DeadLetter letter = DeadLetter.of(
                ConsumerRole.WORKER,
                record.topic(),
                record.partition(),
                record.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value(),
                e,
                clock.instant());
        metrics.deadLetter(record.topic());
        LOG.warn(
                "worker {} skips the batch at {} offset {}, written to the dead letters: {}",
                workerId,
                partition,
                record.offset(),
                letter.reason());
        publisher.deadLetter(letter).whenComplete((ok, error) -> {
            if (error == null) {
                entry.done();
            } else {
                entry.failed();
                LOG.error(
                        "worker {} could not write the dead letter of {} offset {}",
                        workerId,
                        partition,
                        record.offset(),
                        error);
                status.unhealthy();
            }
        });
    }

    /** Asked while waiting for free slots: commits what it can, and waits on unless the grace ran out. */
    private boolean keepWaiting() {
        commit(false);
        return running || System.nanoTime() < graceEndNanos;
    }

    /** Waits, within the grace period, for the running batches to publish their results. */
    private void drain() {
        try {
            while (System.nanoTime() < graceEndNanos) {
                Duration left = Duration.ofNanos(graceEndNanos - System.nanoTime());
                boolean settled = offsets.awaitSettled(left.compareTo(POLL) < 0 ? left : POLL);
                commit(false);
                if (settled) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void commit(boolean sync) {
        OptionalLong next = offsets.committable();
        if (next.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offset = Map.of(partition, new OffsetAndMetadata(next.getAsLong()));
        if (sync) {
            consumer.commitSync(offset, COMMIT_TIMEOUT);
        } else {
            consumer.commitAsync(offset, (committed, error) -> {
                if (error != null) {
                    LOG.warn("worker {} could not commit {}: {}", workerId, committed, error.getMessage());
                }
            });
        }
    }
}
