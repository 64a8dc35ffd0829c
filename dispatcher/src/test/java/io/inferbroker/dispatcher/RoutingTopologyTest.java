package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.priced;
import static io.inferbroker.dispatcher.Fixtures.result;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static io.inferbroker.dispatcher.Harness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.WorkerLoad;
import io.inferbroker.schemas.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each model's configured strategy, fallback chains and the per-worker circuit breaker, end to end. */
class RoutingTopologyTest {
    private static final String MODEL = "llama";
    private static final String SPARE = "llama-spare";

    @TempDir
    Path stateDir;

    private @Nullable Harness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private void start(ModelRouting routing) {
        start(routing, new ModelBatching(2, Duration.ofMillis(10)));
    }

    private void start(ModelRouting routing, ModelBatching batching) {
        h = new Harness(
                Harness.config()
                        .withModel(MODEL, batching)
                        .withRouting(MODEL, routing)
                        .withBreaker(new CircuitBreakerSettings(2, Duration.ofSeconds(5))),
                null,
                stateDir);
    }

    @Test
    void shouldRouteCostModelToCheapestWorkerAndSpillToDearerWhenFull() {
        start(ModelRouting.of(RoutingStrategy.COST));
        h.worker(priced("dear", 8, 50, 1000, "10", T0, MODEL));
        h.worker(priced("cheap", 2, 50, 1000, "1", T0, MODEL));

        for (String id : List.of("j1", "j2", "j3", "j4")) {
            h.submit(job(id, MODEL, 5, T0, null));
        }

        assertThat(h.sent()).extracting(Harness.Sent::worker).containsExactly("cheap", "dear");
        assertThat(h.registry
                        .get("broker.dispatcher.routing.decisions")
                        .tag("strategy", "cost")
                        .tag("worker", "dear")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldRouteCostModelToDearerWorkerWhenOnlyItMeetsTheDeadline() {
        start(ModelRouting.of(RoutingStrategy.COST), new ModelBatching(1, Duration.ZERO));
        // 256 output tokens (the default): 25.7 s on the cheap worker, 0.3 s on the dear one.
        h.worker(priced("cheap", 8, 100, 10, "1", T0, MODEL));
        h.worker(priced("dear", 8, 50, 1000, "10", T0, MODEL));

        h.submit(job("urgent", MODEL, 5, T0, T0.plusSeconds(2)));
        h.advance(Duration.ofMillis(5));
        h.submit(job("relaxed", MODEL, 5, h.now(), null));
        h.advance(Duration.ofMillis(5));

        assertThat(h.sent())
                .extracting(Harness.Sent::worker, s -> s.jobs().getFirst())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dear", "urgent"),
                        org.assertj.core.groups.Tuple.tuple("cheap", "relaxed"));
    }

    @Test
    void shouldRouteLatencyModelToFastestWorker() {
        start(ModelRouting.of(RoutingStrategy.LATENCY));
        h.worker(priced("big-slow", 64, 400, 20, "1", T0, MODEL));
        h.worker(priced("small-fast", 4, 30, 200, "1", T0, MODEL));

        h.submit(job("j1", MODEL, 5, T0, null));
        h.submit(job("j2", MODEL, 5, T0, null));

        assertThat(h.sent()).extracting(Harness.Sent::worker).containsExactly("small-fast");
    }

    @Test
    void shouldSpreadWeightedModelByCapacity() {
        start(ModelRouting.of(RoutingStrategy.WEIGHTED));
        h.worker(worker("a", 200, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.worker(worker("b", 100, 0, WorkerState.ACTIVE, true, T0, MODEL));

        for (int i = 0; i < 12; i++) {
            h.submit(job("j" + i, MODEL, 5, T0, null));
        }

        List<String> order = h.sent().stream().map(Harness.Sent::worker).toList();
        assertThat(order).hasSize(6).containsExactly("a", "b", "a", "a", "b", "a");
    }

    @Test
    void shouldFallBackToNextModelsWorkersWhenOwnHaveNoHeadroom() {
        start(ModelRouting.of(RoutingStrategy.LEAST_LOADED, SPARE));
        h.worker(worker("own", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.worker(worker("spare", 2, 0, WorkerState.ACTIVE, true, T0, SPARE));

        for (String id : List.of("j1", "j2", "j3", "j4", "j5", "j6")) {
            h.submit(job(id, MODEL, 5, T0, null));
        }
        assertThat(h.sent())
                .extracting(Harness.Sent::worker, Harness.Sent::model)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("own", MODEL),
                        org.assertj.core.groups.Tuple.tuple("spare", SPARE));
        h.advance(Duration.ofMillis(20));
        assertThat(h.sent()).as("both full").isEmpty();

        // The fallback worker reports under its own model; the result still frees its slot.
        h.result(result("j3", Fixtures.TENANT, SPARE, JobStatus.SUCCEEDED, "spare", 1, null, T0));
        h.result(result("j4", Fixtures.TENANT, SPARE, JobStatus.SUCCEEDED, "spare", 1, null, T0));
        h.advance(Duration.ofMillis(5));

        assertThat(h.sent())
                .singleElement()
                .satisfies(s -> assertThat(s.worker()).isEqualTo("spare"))
                .satisfies(s -> assertThat(s.jobs()).containsExactly("j5", "j6"));
    }

    @Test
    void shouldOpenBreakerAfterFailuresThenProbeWithOneJobAndCloseOnSuccess() {
        start(ModelRouting.of(RoutingStrategy.LEAST_LOADED));
        h.worker(worker("flaky", 64, 0, WorkerState.ACTIVE, true, T0, MODEL));
        h.submit(job("j1", MODEL, 5, T0, null));
        h.submit(job("j2", MODEL, 5, T0, null));
        assertThat(h.sent()).extracting(Harness.Sent::worker).containsExactly("flaky");
        h.result(result("j1", Fixtures.TENANT, MODEL, JobStatus.FAILED, "flaky", 1, null, T0));
        h.result(result("j2", Fixtures.TENANT, MODEL, JobStatus.FAILED, "flaky", 1, null, T0));

        h.submit(job("j3", MODEL, 5, T0, null));
        h.submit(job("j4", MODEL, 5, T0, null));
        h.advance(Duration.ofMillis(200));
        assertThat(h.sent()).as("breaker open").isEmpty();
        assertThat(h.queues.readValuesToList().getLast().workerLoads())
                .containsExactly(new WorkerLoad("flaky", 0, "open"));

        h.worker(worker("flaky", 64, 0, WorkerState.ACTIVE, true, h.now().plusSeconds(5), MODEL));
        h.advance(Duration.ofSeconds(5));
        assertThat(h.sent())
                .as("half open: one probe")
                .singleElement()
                .satisfies(s -> assertThat(s.jobs()).containsExactly("j3"));
        h.advance(Duration.ofMillis(100));
        assertThat(h.sent()).as("no more while the probe runs").isEmpty();

        h.result(result("j3", Fixtures.TENANT, MODEL, JobStatus.SUCCEEDED, "flaky", 1, null, h.now()));
        h.advance(Duration.ofMillis(5));
        assertThat(h.sent())
                .as("closed again")
                .singleElement()
                .satisfies(s -> assertThat(s.jobs()).containsExactly("j4"));
    }
}
