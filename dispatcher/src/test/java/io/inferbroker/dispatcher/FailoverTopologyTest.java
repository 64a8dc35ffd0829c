package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static io.inferbroker.dispatcher.Harness.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs of a lost worker (lease expired, drained, removed) are dispatched again, up to the attempt limit. */
class FailoverTopologyTest {
    private static final String MODEL = "llama";
    private static final Duration LEASE = Duration.ofSeconds(1);

    @TempDir
    Path stateDir;

    private @Nullable Harness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(5);

    private void start(int maxAttempts) {
        h = new Harness(
                Harness.config()
                        .withModel(MODEL, new ModelBatching(2, Duration.ZERO))
                        .withWorkerLease(LEASE)
                        .withMaxAttempts(maxAttempts)
                        .withJobTimeout(JOB_TIMEOUT),
                null,
                stateDir);
    }

    /** Advances the clock by {@code total} in lease-sized steps, with {@code workerId} reporting at each. */
    private void advanceReporting(Duration total, String workerId, int capacity) {
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plusMillis(500)) {
            h.advance(Duration.ofMillis(500));
            h.worker(worker(workerId, capacity, 0, WorkerState.ACTIVE, true, h.now(), MODEL));
        }
    }

    @Test
    void shouldCancelAndDispatchAgainAJobWithNoResultWithinTheJobTimeoutThoughItsWorkerReports() {
        start(3);
        h.worker(worker("w1", 4, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        h.submit(job("j2", MODEL, 5, T0, null));
        assertThat(h.sent().stream().flatMap(s -> s.jobs().stream())).containsExactly("j1", "j2");
        advanceReporting(Duration.ofSeconds(1), "w1", 4);
        h.result(Fixtures.succeeded("j2", MODEL, "w1", h.now()));
        h.events.readValuesToList();

        advanceReporting(Duration.ofSeconds(3), "w1", 4);
        assertThat(h.dispatched.readValuesToList())
                .as("within the timeout nothing moves")
                .isEmpty();
        advanceReporting(Duration.ofMillis(2500), "w1", 4);

        var orders = h.dispatched.readValuesToList();
        assertThat(orders)
                .as("the worker is told to stop j1 before it runs again")
                .first()
                .satisfies(b -> {
                    assertThat(b.workerId()).isEqualTo("w1");
                    assertThat(b.cancel()).containsExactly("j1");
                    assertThat(b.jobs()).isEmpty();
                });
        assertThat(orders.stream().flatMap(b -> b.jobs().stream()).toList())
                .as("only j1 (no result), as attempt 2; j2 had its result")
                .singleElement()
                .satisfies(j -> {
                    assertThat(j.jobId()).isEqualTo("j1");
                    assertThat(j.attempt()).isEqualTo(2);
                });
        assertThat(h.events.readValuesToList())
                .filteredOn(e -> e.type() == LifecycleType.REQUEUED)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.jobId()).isEqualTo("j1");
                    assertThat(e.error().code()).isEqualTo("job_timed_out");
                });
    }

    @Test
    void shouldFailAJobWhoseLastAttemptTimesOut() {
        start(1);
        h.worker(worker("w1", 4, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        assertThat(h.sent()).hasSize(1);
        advanceReporting(Duration.ofMillis(4500), "w1", 4);
        assertThat(h.outcomes.isEmpty()).isTrue();
        advanceReporting(Duration.ofSeconds(1), "w1", 4);

        JobResult failed = h.outcomes.readValue();
        assertThat(failed.jobId()).isEqualTo("j1");
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("attempts_exhausted");
        assertThat(failed.error().message()).contains("job timeout");
    }

    @Test
    void shouldDispatchJobsAgainWithNextAttemptWhenWorkerLeaseExpires() {
        start(3);
        h.worker(worker("w1", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        h.submit(job("j2", MODEL, 5, T0, null));
        assertThat(h.sent()).extracting(Harness.Sent::worker).containsOnly("w1");
        h.events.readValuesToList();

        // w2 keeps reporting, w1 falls silent.
        h.advance(Duration.ofMillis(900));
        h.worker(worker("w2", 4, 0, WorkerState.ACTIVE, true, h.now(), MODEL));
        assertThat(h.sent()).as("within the lease nothing moves").isEmpty();
        h.advance(Duration.ofMillis(200));

        assertThat(h.sent()).singleElement().satisfies(s -> {
            assertThat(s.worker()).isEqualTo("w2");
            assertThat(s.jobs()).containsExactlyInAnyOrder("j1", "j2");
            assertThat(s.attempts()).containsOnly(2);
        });
        assertThat(h.events.readValuesToList())
                .extracting(
                        LifecycleEvent::jobId, LifecycleEvent::type, LifecycleEvent::workerId, LifecycleEvent::attempt)
                .contains(
                        tuple("j1", LifecycleType.REQUEUED, "w1", 1),
                        tuple("j1", LifecycleType.DISPATCHED, "w2", 2),
                        tuple("j2", LifecycleType.REQUEUED, "w1", 1));
        assertThat(h.registry.get("broker.dispatcher.jobs.requeued").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldDispatchJobsAgainWhenWorkerReportsItselfGoneButNotWhileDraining() {
        start(3);
        h.worker(worker("w1", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        h.sent();
        h.worker(worker("w2", 4, 0, WorkerState.ACTIVE, true, T0, MODEL));

        h.worker(worker("w1", 2, 1, WorkerState.DRAINING, true, T0, MODEL));
        h.advance(Duration.ofMillis(200));
        assertThat(h.sent()).as("a draining worker still finishes its jobs").isEmpty();

        h.worker(worker("w1", 2, 0, WorkerState.GONE, true, h.now(), MODEL));
        h.advance(Duration.ofMillis(200));

        assertThat(h.sent())
                .singleElement()
                .satisfies(s -> assertThat(s.worker()).isEqualTo("w2"))
                .satisfies(s -> assertThat(s.attempts()).containsExactly(2));
    }

    @Test
    void shouldFailJobWhenItsLastAllowedAttemptIsLost() {
        start(2);
        h.worker(worker("w1", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        h.worker(worker("w1", 2, 0, WorkerState.GONE, true, T0, MODEL));
        h.worker(worker("w2", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.advance(Duration.ofMillis(200));
        h.worker(worker("w2", 2, 0, WorkerState.GONE, true, h.now(), MODEL));
        h.advance(Duration.ofMillis(200));

        assertThat(h.sent()).extracting(Harness.Sent::worker).containsExactly("w1", "w2");
        JobResult failed = h.outcomes.readValue();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("attempts_exhausted");
        assertThat(failed.attempt()).isEqualTo(2);
        assertThat(failed.workerId()).isEqualTo("w2");
        assertThat(h.outcomes.isEmpty()).isTrue();

        h.worker(worker("w3", 2, 0, WorkerState.ACTIVE, true, h.now(), MODEL));
        h.advance(Duration.ofMillis(200));
        assertThat(h.sent()).as("a failed job is never dispatched again").isEmpty();
    }

    @Test
    void shouldNotRunJobAgainWhenItsResultArrivesAfterTheRequeue() {
        start(3);
        h.worker(worker("w1", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        h.sent();
        h.worker(worker("w1", 2, 0, WorkerState.GONE, true, T0, MODEL));
        h.advance(Duration.ofMillis(200));
        // No worker left: the job waits in the queue; then the lost worker's result turns up.
        h.result(Fixtures.succeeded("j1", MODEL, "w1", h.now()));
        h.worker(worker("w2", 2, 0, WorkerState.ACTIVE, true, h.now(), MODEL));
        h.advance(Duration.ofMillis(200));

        assertThat(h.sent()).isEmpty();
        assertThat(h.events.readValuesToList())
                .extracting(LifecycleEvent::type)
                .containsExactly(LifecycleType.QUEUED, LifecycleType.DISPATCHED, LifecycleType.REQUEUED);
    }

    @Test
    void shouldDispatchAgainTheJobsOfAnEarlierRunWhenTheWorkerReportsAnotherInstance() {
        start(3);
        h.worker(worker("w1", 2, 0, WorkerState.ACTIVE, true, T0, MODEL).withInstance("run-a"));
        h.submit(job("j1", MODEL, 5, T0, null));
        var first = h.dispatched.readValuesToList();
        assertThat(first)
                .singleElement()
                .satisfies(b -> assertThat(b.workerInstance()).isEqualTo("run-a"));
        h.advance(Duration.ofMillis(200));
        assertThat(h.sent()).as("the same run keeps its jobs").isEmpty();

        // Restarted within the lease: the new run skips the batch addressed to run-a.
        h.worker(worker("w1", 2, 0, WorkerState.ACTIVE, true, h.now(), MODEL).withInstance("run-b"));
        h.advance(Duration.ofMillis(200));

        var again = h.dispatched.readValuesToList();
        assertThat(again).singleElement().satisfies(b -> {
            assertThat(b.workerInstance()).isEqualTo("run-b");
            assertThat(b.jobs()).singleElement().satisfies(j -> {
                assertThat(j.jobId()).isEqualTo("j1");
                assertThat(j.attempt()).isEqualTo(2);
            });
        });
        assertThat(h.events.readValuesToList())
                .filteredOn(e -> e.type() == LifecycleType.REQUEUED)
                .singleElement()
                .satisfies(e -> assertThat(e.error().message()).contains("restarted"));
        h.advance(Duration.ofMillis(200));
        assertThat(h.sent()).as("run-b keeps what was sent to it").isEmpty();
    }

    @Test
    void shouldKeepTheJobsOfAWorkerThatKeepsReporting() {
        start(3);
        h.worker(worker("w1", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        h.sent();
        for (int i = 0; i < 5; i++) {
            h.advance(Duration.ofMillis(500));
            h.worker(worker("w1", 2, 1, WorkerState.ACTIVE, true, h.now(), MODEL));
        }
        assertThat(h.sent()).isEmpty();
        assertThat(h.events.readValuesToList()).extracting(LifecycleEvent::type).doesNotContain(LifecycleType.REQUEUED);
    }
}
