package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.succeeded;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static io.inferbroker.dispatcher.Harness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.internal.PollPacer;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle dispatcher lets its stream thread block (see {@code PollPacer}), yet whatever comes due by
 * the clock still happens on time. The stream thread is simulated on the driver's wall clock: each
 * poll blocks as long as the pacer allows (no record arrives), then the ticks that are due run.
 */
class IdlePacingTopologyTest {
    private static final String MODEL = "llama";
    private static final Duration DELAY = Duration.ofMillis(20);
    private static final long TICK = DispatcherConfig.DEFAULT_PUNCTUATE_INTERVAL.toMillis();
    /** How often an unchanged queue status is published again, and how soon after the last a changed one. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    @TempDir
    Path stateDir;

    private final PollPacer pacer = new PollPacer(DispatcherConfig.DEFAULT_IDLE_POLL);
    private Harness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void shouldDispatchABatchWhenItsDelayIsDueAfterAnIdlePeriod() {
        start(Harness.config());
        h.worker(worker("w1", 8, 0, WorkerState.ACTIVE, true, T0, MODEL));

        int idlePolls = runThread(T0.plusSeconds(5));
        assertThat(idlePolls)
                .as("polls in 5 idle seconds (1,000 at one per tick)")
                .isLessThanOrEqualTo(10);
        assertThat(pacer.pollMillis(TICK, h.now().toEpochMilli()))
                .as("the thread, having just ticked, blocks in its next poll")
                .isGreaterThan(500);

        // The job arrives 1 ms into that poll, before the tick is due again: the poll returns with it.
        h.advance(Duration.ofMillis(1));
        Instant accepted = h.now();
        h.submit(job("j1", MODEL, 5, accepted, null));
        assertThat(h.dispatched.isEmpty())
                .as("one job of 8 waits for its batching delay")
                .isTrue();
        runThread(accepted.plusSeconds(1));

        List<TestRecord<String, DispatchBatch>> batches = h.dispatched.readRecordsToList();
        assertThat(batches).singleElement().satisfies(b -> {
            assertThat(b.value().jobs()).hasSize(1);
            assertThat(Duration.between(accepted, b.getRecordTime()))
                    .as("dispatched once its delay was due, at the next tick")
                    .isBetween(DELAY, DELAY.plusMillis(TICK));
        });
    }

    @Test
    void shouldSendAgainTheJobsOfAWorkerLostWhileIdle() {
        // Not a whole number of seconds: the lease runs out between the thread's other wakes.
        Duration lease = Duration.ofMillis(3_250);
        start(Harness.config().withWorkerLease(lease));
        h.worker(worker("w1", 8, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        runThread(T0.plusMillis(100));
        assertThat(h.sent()).extracting(Harness.Sent::worker).containsExactly("w1");
        h.events.readRecordsToList();

        int inFlightPolls = runThread(T0.plus(lease).minusMillis(200));
        assertThat(inFlightPolls)
                .as("while j1 is in flight the thread wakes for the lease checks (every 100 ms), not every tick")
                .isLessThanOrEqualTo(45);
        runThread(T0.plusSeconds(5));

        List<TestRecord<String, LifecycleEvent>> requeued = h.events.readRecordsToList().stream()
                .filter(e -> e.value().type() == LifecycleType.REQUEUED)
                .toList();
        assertThat(requeued)
                .singleElement()
                .satisfies(e -> assertThat(e.getRecordTime())
                        .as("taken off w1 at the first lease check after its lease ran out")
                        .isBetween(T0.plus(lease), T0.plus(lease).plusMillis(100 + TICK)));
    }

    @Test
    void shouldPublishAChangedQueueStatusAndThenItsHeartbeatWhileIdle() {
        start(Harness.config());
        h.worker(worker("w1", 8, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        runThread(T0.plusMillis(150));
        Instant previous = h.queues.readValuesToList().getLast().at();

        h.result(succeeded("j1", MODEL, "w1", h.now()));
        Instant finished = h.now();
        int polls = runThread(finished.plusSeconds(5));

        List<QueueStatus> statuses = h.queues.readValuesToList();
        Instant allowed = previous.plus(MIN_INTERVAL).isAfter(finished) ? previous.plus(MIN_INTERVAL) : finished;
        assertThat(statuses.getFirst().workers())
                .as("w1 has nothing in flight any more")
                .isNull();
        assertThat(statuses.getFirst().at())
                .as("the change is published as soon as the minimum interval allows")
                .isBetween(finished, allowed.plusMillis(TICK));
        assertThat(statuses).hasSizeBetween(5, 6);
        for (int i = 1; i < statuses.size(); i++) {
            assertThat(Duration.between(
                            statuses.get(i - 1).at(), statuses.get(i).at()))
                    .as("then unchanged, once a second")
                    .isBetween(HEARTBEAT, HEARTBEAT.plusMillis(TICK));
        }
        assertThat(polls).as("about one a second: the heartbeat").isLessThanOrEqualTo(10);
    }

    private void start(DispatcherConfig config) {
        h = new Harness(config.withModel(MODEL, new ModelBatching(8, DELAY)), null, stateDir, pacer);
    }

    /**
     * The stream thread until {@code until} or the end of the poll that passes it, with no record
     * arriving: each poll takes as long as the pacer lets it (what Kafka Streams asks, one tick, at
     * least), then the ticks that are due run.
     *
     * @return the polls
     */
    private int runThread(Instant until) {
        int polls = 0;
        while (h.now().isBefore(until)) {
            h.advance(Duration.ofMillis(pacer.pollMillis(TICK, h.now().toEpochMilli())));
            polls++;
        }
        return polls;
    }
}
