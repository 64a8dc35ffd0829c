package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.succeeded;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static io.inferbroker.dispatcher.Harness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one job costs the dispatcher's state-store changelogs over its whole life, read from the
 * changelog topics the driver produced to: every record there is a record the Kafka brokers store,
 * replicate and (for compacted topics) compact, and a put or delete the stream thread serialized and
 * wrote. The life of a job includes the time after it finished while its id is remembered for
 * deduplication, until it is forgotten.
 */
class ChangelogWritesTopologyTest {
    private static final String MODEL = "llama";
    private static final int JOBS = 5;
    private static final Duration RETENTION = Duration.ofMinutes(5);

    @TempDir
    Path stateDir;

    private @Nullable Harness h;
    /** Changelog records read so far, by topic. */
    private final Map<String, Integer> written = new TreeMap<>();

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void shouldWriteThreeChangelogRecordsForAJobDispatchedOnArrivalThatSucceeded() {
        start(new ModelBatching(1, Duration.ZERO));
        h.worker(worker("w1", JOBS, 0, WorkerState.ACTIVE, true, T0, MODEL));
        for (int i = 0; i < JOBS; i++) {
            h.submit(job("j" + i, MODEL, 5, T0, null));
        }
        assertThat(h.sent()).as("each one dispatched on arrival").hasSize(JOBS);
        for (int i = 0; i < JOBS; i++) {
            h.result(succeeded("j" + i, MODEL, "w1", T0));
        }

        assertThat(perJob(changelogRecords()))
                .as("in flight (once, never queued first), then finished: %s", written)
                .isEqualTo(3.0);
        assertForgottenWithoutAWrite();
    }

    @Test
    void shouldWriteFourChangelogRecordsForAJobQueuedThenDispatchedByATickThatSucceeded() {
        start(new ModelBatching(16, Duration.ofMillis(20)));
        h.worker(worker("w1", JOBS, 0, WorkerState.ACTIVE, true, T0, MODEL));
        for (int i = 0; i < JOBS; i++) {
            h.submit(job("j" + i, MODEL, 5, T0, null));
        }
        assertThat(h.sent()).as("the batch waits for its delay").isEmpty();
        h.advance(Duration.ofMillis(20));
        assertThat(h.sent())
                .as("sent by the tick")
                .singleElement()
                .satisfies(s -> assertThat(s.jobs()).hasSize(JOBS));
        for (int i = 0; i < JOBS; i++) {
            h.result(succeeded("j" + i, MODEL, "w1", h.now()));
        }

        assertThat(perJob(changelogRecords()))
                .as("queued, in flight, finished: %s", written)
                .isEqualTo(4.0);
        assertForgottenWithoutAWrite();
    }

    @Test
    void shouldWriteTwoMoreChangelogRecordsForAJobRequeuedAfterItsWorkerWasLost() {
        start(new ModelBatching(1, Duration.ZERO));
        h.worker(worker("w1", JOBS, 0, WorkerState.ACTIVE, true, T0, MODEL));
        for (int i = 0; i < JOBS; i++) {
            h.submit(job("j" + i, MODEL, 5, T0, null));
        }
        assertThat(h.sent()).hasSize(JOBS);
        h.worker(worker("w1", JOBS, 0, WorkerState.GONE, true, T0, MODEL));
        h.advance(Duration.ofMillis(200));
        assertThat(h.events.readValuesToList())
                .filteredOn(e -> e.type() == LifecycleType.REQUEUED)
                .extracting(LifecycleEvent::jobId)
                .hasSize(JOBS);
        h.worker(worker("w2", JOBS, 0, WorkerState.ACTIVE, true, h.now(), MODEL));
        h.advance(Duration.ofMillis(5));
        assertThat(h.sent())
                .as("sent again, to w2")
                .flatExtracting(Harness.Sent::attempts)
                .containsOnly(2)
                .hasSize(JOBS);
        for (int i = 0; i < JOBS; i++) {
            h.result(succeeded("j" + i, MODEL, "w2", h.now()));
        }

        assertThat(perJob(changelogRecords()))
                .as("in flight on w1, queued again, in flight on w2, finished: %s", written)
                .isEqualTo(5.0);
        assertForgottenWithoutAWrite();
    }

    /**
     * Past the dedupe retention a finished job's id is forgotten (its request would be taken as new),
     * and that costs no changelog record per job.
     */
    private void assertForgottenWithoutAWrite() {
        int before = changelogRecords();
        h.advance(RETENTION.plusMinutes(1));
        h.advance(Duration.ofSeconds(1));
        assertThat(changelogRecords() - before)
                .as("no deletion per job when ids are forgotten: %s", written)
                .isZero();

        h.dispatched.readValuesToList();
        h.worker(worker("w3", JOBS, 0, WorkerState.ACTIVE, true, h.now(), MODEL));
        h.submit(job("j0", MODEL, 5, T0, null));
        h.advance(Duration.ofMillis(20));
        assertThat(h.sent())
                .as("j0 was forgotten: its request comes in as a new job")
                .flatExtracting(Harness.Sent::jobs)
                .containsExactly("j0");
    }

    private void start(ModelBatching batching) {
        h = new Harness(
                Harness.config()
                        .withModel(MODEL, batching)
                        .withWorkerLease(Duration.ofSeconds(1))
                        .withDedupeRetention(RETENTION),
                null,
                stateDir);
    }

    /** Every record written to a changelog topic so far. */
    private int changelogRecords() {
        ByteArrayDeserializer bytes = new ByteArrayDeserializer();
        for (String topic : h.driver.producedTopicNames()) {
            if (topic.endsWith("-changelog")) {
                List<?> records =
                        h.driver.createOutputTopic(topic, bytes, bytes).readKeyValuesToList();
                written.merge(topic, records.size(), Integer::sum);
            }
        }
        return written.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static double perJob(int records) {
        return (double) records / JOBS;
    }
}
