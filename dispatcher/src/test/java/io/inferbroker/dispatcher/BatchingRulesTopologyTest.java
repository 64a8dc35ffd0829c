package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.cancel;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static io.inferbroker.dispatcher.Harness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preferred batch sizes, priority aging, cancel of dispatched jobs and the batching meters. */
class BatchingRulesTopologyTest {
    private static final String MODEL = "llama";

    @TempDir
    Path stateDir;

    private @Nullable Harness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void shouldSendLargestPreferredSizeAtOnceAndTheRestWhenTheDelayRunsOut() {
        h = new Harness(
                Harness.config().withModel(MODEL, new ModelBatching(16, Duration.ofMillis(50), List.of(4, 8))),
                null,
                stateDir);
        h.worker(worker("w1", 64, 0, WorkerState.ACTIVE, true, T0, MODEL));
        for (int i = 1; i <= 3; i++) {
            h.submit(job("j" + i, MODEL, 5, T0, null));
        }
        assertThat(h.sent()).as("below the smallest preferred size").isEmpty();

        for (int i = 4; i <= 11; i++) {
            h.submit(job("j" + i, MODEL, 5, T0, null));
        }
        h.advance(Duration.ofMillis(5));
        assertThat(h.sent()).extracting(s -> s.jobs().size()).containsExactly(4, 4);

        h.advance(Duration.ofMillis(50));
        assertThat(h.sent())
                .singleElement()
                .satisfies(s -> assertThat(s.jobs()).containsExactlyInAnyOrder("j9", "j10", "j11"));
    }

    @Test
    void shouldLetAgedLowPriorityJobOvertakeNewerUrgentOnes() {
        h = new Harness(
                Harness.config()
                        .withModel(MODEL, new ModelBatching(1, Duration.ofMillis(10)))
                        .withPriorityAging(Duration.ofMillis(100)),
                null,
                stateDir);
        h.submit(job("low", MODEL, 9, T0, null));
        h.advance(Duration.ofMillis(500));
        // Eight levels more urgent is worth 800 ms of waiting: a job that much more urgent overtakes
        // "low" 500 ms later, but not 1000 ms later.
        h.submit(job("urgent", MODEL, 1, h.now(), null));
        h.advance(Duration.ofMillis(500));
        h.submit(job("late-urgent", MODEL, 1, h.now(), null));
        h.worker(worker("w1", 1, 0, WorkerState.ACTIVE, true, h.now(), MODEL));

        for (String done : List.of("urgent", "low")) {
            h.advance(Duration.ofMillis(5));
            h.result(Fixtures.succeeded(done, MODEL, "w1", h.now()));
        }
        h.advance(Duration.ofMillis(5));

        assertThat(h.sent()).extracting(s -> s.jobs().getFirst()).containsExactly("urgent", "low", "late-urgent");
    }

    @Test
    void shouldOrderByPriorityWhileAgesAreClose() {
        h = new Harness(Harness.config().withModel(MODEL, new ModelBatching(3, Duration.ofMillis(20))), null, stateDir);
        h.submit(job("low", MODEL, 9, T0, null));
        h.advance(Duration.ofMillis(10));
        h.submit(job("normal", MODEL, 5, h.now(), null));
        h.submit(job("high", MODEL, 1, h.now(), null));
        h.worker(worker("w1", 8, 0, WorkerState.ACTIVE, true, h.now(), MODEL));
        h.advance(Duration.ofMillis(5));

        assertThat(h.sent()).extracting(s -> s.jobs()).containsExactly(List.of("high", "normal", "low"));
    }

    @Test
    void shouldForwardCancelOfDispatchedJobToItsWorker() {
        h = new Harness(Harness.config().withModel(MODEL, new ModelBatching(1, Duration.ZERO)), null, stateDir);
        h.worker(worker("w1", 4, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        assertThat(h.dispatched.readValue().jobs()).hasSize(1);

        h.control.pipeInput("j1", cancel("j1", TENANT, T0));

        var order = h.dispatched.readKeyValue();
        assertThat(order.key).isEqualTo("w1");
        DispatchBatch batch = order.value;
        assertThat(batch.jobs()).isEmpty();
        assertThat(batch.cancelJobIds()).containsExactly("j1");
        assertThat(h.outcomes.isEmpty())
                .as("the worker reports the canceled result")
                .isTrue();
        assertThat(h.registry
                        .get("broker.dispatcher.cancels.forwarded")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldRecordQueueingDelayByPriorityBatchWaitAndDepthByPriority() {
        h = new Harness(Harness.config().withModel(MODEL, new ModelBatching(8, Duration.ofMillis(20))), null, stateDir);
        h.submit(job("a", MODEL, 1, T0, null));
        h.submit(job("b", MODEL, 9, T0, null));
        h.submit(job("c", MODEL, 9, T0, null));
        assertThat(depth("low")).isEqualTo(2.0);
        assertThat(depth("high")).isEqualTo(1.0);
        h.worker(worker("w1", 8, 0, WorkerState.ACTIVE, true, T0, MODEL));
        for (int i = 0; i < 6; i++) {
            h.advance(Duration.ofMillis(5));
        }

        assertThat(h.sent()).hasSize(1);
        var delay = h.registry
                .get("broker.dispatcher.queueing.delay")
                .tag("priority", "low")
                .timer();
        assertThat(delay.count()).isEqualTo(2);
        assertThat(delay.max(TimeUnit.MILLISECONDS)).isEqualTo(20.0);
        assertThat(h.registry.get("broker.dispatcher.batch.wait").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(20.0);
        assertThat(h.registry
                        .get("broker.dispatcher.routing.decisions")
                        .tag("strategy", "least-loaded")
                        .tag("worker", "w1")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(depth("low")).isZero();
    }

    @Test
    void shouldRecordHowLongAJobTookFromAcceptanceToTheQueue() {
        h = new Harness(Harness.config().withModel(MODEL, new ModelBatching(8, Duration.ofMillis(20))), null, stateDir);

        h.submit(job("late", MODEL, 5, T0.minusMillis(30), null));

        var arrival = h.registry
                .get("broker.dispatcher.arrival.delay")
                .tag("model", MODEL)
                .timer();
        assertThat(arrival.count()).isEqualTo(1);
        assertThat(arrival.max(TimeUnit.MILLISECONDS)).isEqualTo(30.0);
    }

    private double depth(String priority) {
        return h.registry
                .get("broker.dispatcher.queue.depth.priority")
                .tag("model", MODEL)
                .tag("priority", priority)
                .gauge()
                .value();
    }
}
