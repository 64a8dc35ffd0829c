package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.cancel;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.succeeded;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.internal.ActiveJob;
import io.inferbroker.dispatcher.internal.StoreNames;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.JsonSerde;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatcherTopologyTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "llama-3-8b";
    private static final TopicNames TOPICS = new TopicNames("test.");

    @TempDir
    Path stateDir;

    private SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private @Nullable TopologyTestDriver driver;
    private TestInputTopic<String, JobRequested> requests;
    private TestInputTopic<String, JobResult> results;
    private TestInputTopic<String, ControlCommand> control;
    private TestInputTopic<String, WorkerStatus> workers;
    private TestOutputTopic<String, DispatchBatch> dispatched;
    private TestOutputTopic<String, LifecycleEvent> events;
    private TestOutputTopic<String, JobResult> outcomes;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldCloseBatchAsSoonAsQueueReachesMaxBatchSize() {
        start(batching(4, Duration.ofSeconds(5)));
        workers.pipeInput("w1", activeWorker("w1", 16, 0));

        submit("j1", "j2", "j3");
        assertThat(dispatched.isEmpty()).isTrue();
        submit("j4");

        List<DispatchBatch> batches = dispatched.readValuesToList();
        assertThat(batches).hasSize(1);
        DispatchBatch batch = batches.getFirst();
        assertThat(batch.workerId()).isEqualTo("w1");
        assertThat(batch.model()).isEqualTo(MODEL);
        assertThat(batch.dispatchedAt()).isEqualTo(T0);
        assertThat(batch.jobs()).extracting(DispatchedJob::jobId).containsExactly("j1", "j2", "j3", "j4");
        assertThat(batch.jobs()).extracting(DispatchedJob::attempt).containsOnly(1);
        assertThat(registry.get("broker.dispatcher.batch.size").summary().max()).isEqualTo(4.0);
    }

    @Test
    void shouldKeyBatchByWorkerId() {
        start(batching(1, Duration.ZERO));
        workers.pipeInput("w1", activeWorker("w1", 4, 0));

        submit("j1");

        assertThat(dispatched.readKeyValue().key).isEqualTo("w1");
    }

    @Test
    void shouldReadRequestsAndResultsWithoutARepartitionAndAskWorkersToReplyToTheTasksPartition() {
        var subtopologies = DispatcherTopology.build(DispatcherConfig.defaults("dispatcher-test", TOPICS))
                .describe()
                .subtopologies();
        var owner = subtopologies.stream()
                .filter(st -> st.nodes().stream().anyMatch(n -> n.name().equals("dispatcher")))
                .findFirst()
                .orElseThrow();
        assertThat(owner.nodes())
                .filteredOn(n -> n instanceof org.apache.kafka.streams.TopologyDescription.Source)
                .extracting(n -> ((org.apache.kafka.streams.TopologyDescription.Source) n).topicSet())
                .as("the dispatcher's task reads requests and results itself; only cancels are repartitioned")
                .containsExactlyInAnyOrder(
                        java.util.Set.of(TOPICS.requests()),
                        java.util.Set.of(TOPICS.results()),
                        java.util.Set.of(StoreNames.BY_MODEL + "-repartition"));

        start(batching(1, Duration.ZERO));
        workers.pipeInput("w1", activeWorker("w1", 4, 0));
        submit("j1");
        assertThat(dispatched.readValue().replyPartition())
                .as("the task's own partition")
                .isZero();
    }

    @Test
    void shouldWriteAJobDispatchedOnArrivalOnlyAsInFlightButAWaitingJobAsQueued() {
        start(batching(1, Duration.ZERO));
        workers.pipeInput("w1", activeWorker("w1", 1, 0));
        var activeChangelog = driver().createOutputTopic(
                        "dispatcher-test-" + StoreNames.ACTIVE + "-changelog",
                        new StringDeserializer(),
                        JsonSerde.of(ActiveJob.class));

        submit("j1");
        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j1");
        assertThat(activeChangelog.readKeyValuesToList())
                .as("queued and dispatched in one step: written once, in flight")
                .singleElement()
                .satisfies(kv -> {
                    assertThat(kv.key).isEqualTo("j1");
                    assertThat(kv.value.sent()).isNotNull();
                });

        submit("j2");
        assertThat(dispatched.isEmpty()).as("w1 is full").isTrue();
        assertThat(activeChangelog.readKeyValuesToList())
                .as("a job that waits is in the (changelogged) active store, queued")
                .singleElement()
                .satisfies(kv -> {
                    assertThat(kv.key).isEqualTo("j2");
                    assertThat(kv.value.sent()).isNull();
                });
    }

    @Test
    void shouldCloseBatchOnQueueDelayButNotBefore() {
        start(batching(8, Duration.ofMillis(20)));
        workers.pipeInput("w1", activeWorker("w1", 16, 0));
        submit("j1", "j2");

        for (int ms = 1; ms < 20; ms++) {
            advance(Duration.ofMillis(1));
            assertThat(dispatched.isEmpty()).as("no batch after %d ms", ms).isTrue();
        }
        advance(Duration.ofMillis(1));

        DispatchBatch batch = dispatched.readValue();
        assertThat(batch.jobs()).extracting(DispatchedJob::jobId).containsExactly("j1", "j2");
        assertThat(batch.dispatchedAt()).isEqualTo(T0.plusMillis(20));
    }

    @Test
    void shouldDispatchDuplicateJobIdOnce() {
        start(batching(8, Duration.ofMillis(20)));
        workers.pipeInput("w1", activeWorker("w1", 16, 0));
        submit("j1", "j1");
        advance(Duration.ofMillis(25));
        submit("j1");
        advance(Duration.ofMillis(25));

        List<DispatchBatch> batches = dispatched.readValuesToList();
        assertThat(batches).hasSize(1);
        assertThat(batches.getFirst().jobs()).extracting(DispatchedJob::jobId).containsExactly("j1");
        assertThat(events.readValuesToList())
                .extracting(LifecycleEvent::type)
                .containsExactly(LifecycleType.QUEUED, LifecycleType.DISPATCHED);
        assertThat(registry.get("broker.dispatcher.jobs.duplicates").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldIgnoreRequestForJobThatAlreadyFinished() {
        start(batching(8, Duration.ofMillis(20)));
        workers.pipeInput("w1", activeWorker("w1", 16, 0));
        results.pipeInput("j1", succeeded("j1", MODEL, "w0", T0));

        submit("j1");
        advance(Duration.ofMillis(25));

        assertThat(dispatched.isEmpty()).isTrue();
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepJobsQueuedWithoutUsableWorkerAndDispatchWhenOneAppears() {
        start(batching(8, Duration.ofMillis(20)));
        submit("j1", "j2");
        advance(Duration.ofMillis(100));
        assertThat(dispatched.isEmpty()).isTrue();
        assertThat(registry.get("broker.dispatcher.queue.depth")
                        .tag("model", MODEL)
                        .gauge()
                        .value())
                .isEqualTo(2.0);

        workers.pipeInput("w1", worker("w1", 4, 0, WorkerState.ACTIVE, true, T0.plusMillis(100), MODEL));
        advance(Duration.ofMillis(5));

        DispatchBatch batch = dispatched.readValue();
        assertThat(batch.workerId()).isEqualTo("w1");
        assertThat(batch.jobs()).extracting(DispatchedJob::jobId).containsExactly("j1", "j2");
        assertThat(registry.get("broker.dispatcher.queue.depth")
                        .tag("model", MODEL)
                        .gauge()
                        .value())
                .isZero();
    }

    @Test
    void shouldLimitBatchToHeadroomAndDispatchMoreAsResultsArrive() {
        start(batching(4, Duration.ofMillis(20)));
        // The heartbeat keeps saying in_flight 0: only the dispatcher's own count protects the worker.
        workers.pipeInput("w1", activeWorker("w1", 2, 0));
        submit("j1", "j2", "j3", "j4");
        advance(Duration.ofMillis(50));
        assertThat(dispatched.readValuesToList())
                .singleElement()
                .satisfies(b ->
                        assertThat(b.jobs()).extracting(DispatchedJob::jobId).containsExactly("j1", "j2"));

        results.pipeInput("j1", succeeded("j1", MODEL, "w1", T0));
        advance(Duration.ofMillis(5));
        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j3");

        // A repeated result must not release the worker twice.
        results.pipeInput("j1", succeeded("j1", MODEL, "w1", T0));
        advance(Duration.ofMillis(5));
        assertThat(dispatched.isEmpty()).isTrue();

        results.pipeInput("j2", succeeded("j2", MODEL, "w1", T0));
        advance(Duration.ofMillis(5));
        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j4");
    }

    @Test
    void shouldLimitBatchByReportedInFlightWhenItExceedsOwnCount() {
        start(batching(4, Duration.ofMillis(20)));
        workers.pipeInput("w1", activeWorker("w1", 4, 3));

        submit("j1", "j2", "j3", "j4");

        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j1");
    }

    @Test
    void shouldRouteToWorkerWithMostHeadroom() {
        start(batching(2, Duration.ofMillis(20)));
        workers.pipeInput("small", activeWorker("small", 4, 0));
        workers.pipeInput("big", activeWorker("big", 8, 0));

        submit("j1", "j2");

        assertThat(dispatched.readValue().workerId()).isEqualTo("big");
    }

    @Test
    void shouldNotRouteToStaleUnhealthyDrainingOrForeignWorkers() {
        start(batching(8, Duration.ofMillis(20)));
        workers.pipeInput("stale", worker("stale", 8, 0, WorkerState.ACTIVE, true, T0.minusSeconds(11), MODEL));
        workers.pipeInput("sick", worker("sick", 8, 0, WorkerState.ACTIVE, false, T0, MODEL));
        workers.pipeInput("draining", worker("draining", 8, 0, WorkerState.DRAINING, true, T0, MODEL));
        workers.pipeInput("gone", worker("gone", 8, 0, WorkerState.GONE, true, T0, MODEL));
        workers.pipeInput("other", worker("other", 8, 0, WorkerState.ACTIVE, true, T0, "another-model"));
        submit("j1");
        advance(Duration.ofMillis(50));
        assertThat(dispatched.isEmpty()).isTrue();

        workers.pipeInput("good", worker("good", 8, 0, WorkerState.ACTIVE, true, T0.plusMillis(50), MODEL));
        advance(Duration.ofMillis(5));

        assertThat(dispatched.readValue().workerId()).isEqualTo("good");
    }

    @Test
    void shouldStopUsingWorkerWhoseStatusOutlivedTheLease() {
        start(batching(8, Duration.ofMillis(20)));
        workers.pipeInput("w1", activeWorker("w1", 8, 0));
        advance(Duration.ofSeconds(10).plusMillis(1));

        submit("j1");
        advance(Duration.ofMillis(50));

        assertThat(dispatched.isEmpty()).isTrue();
    }

    @Test
    void shouldStopUsingWorkerRemovedByTombstone() {
        start(batching(8, Duration.ofMillis(20)));
        workers.pipeInput("w1", activeWorker("w1", 8, 0));
        workers.pipeInput("w1", (WorkerStatus) null);

        submit("j1");
        advance(Duration.ofMillis(50));

        assertThat(dispatched.isEmpty()).isTrue();
    }

    @Test
    void shouldExpireQueuedJobPastDeadlineWithoutDispatch() {
        start(batching(8, Duration.ofMillis(20)));
        requests.pipeInput("j1", job("j1", MODEL, 5, T0, T0.plusMillis(50)));
        advance(Duration.ofMillis(45));
        assertThat(outcomes.isEmpty()).isTrue();

        advance(Duration.ofMillis(5));

        JobResult result = outcomes.readValue();
        assertThat(result.jobId()).isEqualTo("j1");
        assertThat(result.status()).isEqualTo(JobStatus.EXPIRED);
        assertThat(result.error()).isNotNull();
        assertThat(result.error().code()).isEqualTo("deadline_exceeded");
        assertThat(result.attempt()).isZero();
        assertThat(events.readValuesToList())
                .extracting(LifecycleEvent::type)
                .containsExactly(LifecycleType.QUEUED, LifecycleType.EXPIRED);

        workers.pipeInput("w1", worker("w1", 8, 0, WorkerState.ACTIVE, true, T0.plusMillis(50), MODEL));
        advance(Duration.ofMillis(50));
        assertThat(dispatched.isEmpty()).isTrue();
        assertThat(registry.get("broker.dispatcher.jobs.expired").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldExpireJobArrivingAfterItsDeadlineWithoutQueuingIt() {
        start(batching(8, Duration.ofMillis(20)));
        workers.pipeInput("w1", activeWorker("w1", 8, 0));

        requests.pipeInput("j1", job("j1", MODEL, 5, T0.minusSeconds(2), T0.minusSeconds(1)));
        advance(Duration.ofMillis(50));

        assertThat(outcomes.readValue().status()).isEqualTo(JobStatus.EXPIRED);
        assertThat(events.readValuesToList()).extracting(LifecycleEvent::type).containsExactly(LifecycleType.EXPIRED);
        assertThat(dispatched.isEmpty()).isTrue();
    }

    @Test
    void shouldCancelQueuedJob() {
        start(batching(8, Duration.ofMillis(20)));
        submit("j1", "j2");

        control.pipeInput("j1", cancel("j1", TENANT, T0));

        JobResult result = outcomes.readValue();
        assertThat(result.jobId()).isEqualTo("j1");
        assertThat(result.status()).isEqualTo(JobStatus.CANCELED);
        assertThat(result.attempt()).isZero();
        assertThat(events.readValuesToList())
                .extracting(LifecycleEvent::jobId, LifecycleEvent::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("j1", LifecycleType.QUEUED),
                        org.assertj.core.groups.Tuple.tuple("j2", LifecycleType.QUEUED),
                        org.assertj.core.groups.Tuple.tuple("j1", LifecycleType.CANCELED));

        workers.pipeInput("w1", activeWorker("w1", 8, 0));
        advance(Duration.ofMillis(25));
        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j2");
    }

    @Test
    void shouldCancelJobWhoseCancelArrivedBeforeIt() {
        start(batching(1, Duration.ZERO));
        workers.pipeInput("w1", activeWorker("w1", 8, 0));

        control.pipeInput("j1", cancel("j1", TENANT, T0));
        submit("j1");

        assertThat(dispatched.isEmpty()).isTrue();
        assertThat(outcomes.readValue().status()).isEqualTo(JobStatus.CANCELED);
    }

    @Test
    void shouldIgnoreCancelFromAnotherTenant() {
        start(batching(8, Duration.ofMillis(20)));
        submit("j1");

        control.pipeInput("j1", cancel("j1", "tenant-b", T0));
        workers.pipeInput("w1", activeWorker("w1", 8, 0));
        advance(Duration.ofMillis(25));

        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j1");
    }

    @Test
    void shouldEmitQueuedThenDispatchedEventsWithWorkerAndAttempt() {
        start(batching(2, Duration.ofMillis(20)));
        workers.pipeInput("w1", activeWorker("w1", 8, 0));

        submit("j1", "j2");

        List<LifecycleEvent> emitted = events.readValuesToList();
        assertThat(emitted)
                .extracting(
                        LifecycleEvent::jobId, LifecycleEvent::type, LifecycleEvent::workerId, LifecycleEvent::attempt)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("j1", LifecycleType.QUEUED, null, 0),
                        org.assertj.core.groups.Tuple.tuple("j2", LifecycleType.QUEUED, null, 0),
                        org.assertj.core.groups.Tuple.tuple("j1", LifecycleType.DISPATCHED, "w1", 1),
                        org.assertj.core.groups.Tuple.tuple("j2", LifecycleType.DISPATCHED, "w1", 1));
        assertThat(emitted).allSatisfy(e -> {
            assertThat(e.model()).isEqualTo(MODEL);
            assertThat(e.tenantId()).isEqualTo(TENANT);
        });
    }

    @Test
    void shouldOrderBatchByPriorityThenAcceptance() {
        start(batching(3, Duration.ofMillis(20)));
        requests.pipeInput("low", job("low", MODEL, 9, T0.minusMillis(30), null));
        requests.pipeInput("normal-late", job("normal-late", MODEL, 5, T0.minusMillis(10), null));
        requests.pipeInput("normal-early", job("normal-early", MODEL, 5, T0.minusMillis(20), null));
        requests.pipeInput("high", job("high", MODEL, 1, T0, null));

        workers.pipeInput("w1", activeWorker("w1", 8, 0));
        advance(Duration.ofMillis(20));

        assertThat(dispatched.readValuesToList())
                .extracting(b -> b.jobs().stream().map(DispatchedJob::jobId).toList())
                .containsExactly(List.of("high", "normal-early", "normal-late"), List.of("low"));
    }

    @Test
    void shouldBatchEachModelSeparately() {
        start(batching(2, Duration.ofMillis(20)).withModel("whisper", new ModelBatching(1, Duration.ZERO)));
        workers.pipeInput("w1", worker("w1", 8, 0, WorkerState.ACTIVE, true, T0, MODEL, "whisper"));

        submit("j1");
        requests.pipeInput("a1", job("a1", "whisper", 5, T0, null));

        assertThat(dispatched.readValuesToList()).singleElement().satisfies(b -> {
            assertThat(b.model()).isEqualTo("whisper");
            assertThat(b.jobs()).extracting(DispatchedJob::jobId).containsExactly("a1");
        });
    }

    @Test
    void shouldSkipUnreadableRecordAndKeepDispatching() {
        start(batching(1, Duration.ZERO));
        workers.pipeInput("w1", activeWorker("w1", 8, 0));
        TestInputTopic<String, byte[]> raw =
                driver().createInputTopic(TOPICS.requests(), new StringSerializer(), new ByteArraySerializer());

        raw.pipeInput("bad", "{not json".getBytes(StandardCharsets.UTF_8));
        submit("j1");

        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j1");
    }

    @Test
    void shouldNotReleaseAWorkerOnAResultWithoutATerminalStatus() {
        start(batching(1, Duration.ZERO));
        workers.pipeInput("w1", activeWorker("w1", 1, 0));
        submit("j1", "j2");
        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j1");
        TestInputTopic<String, byte[]> raw =
                driver().createInputTopic(TOPICS.results(), new StringSerializer(), new ByteArraySerializer());
        String written = new String(
                WireSerdes.JOB_RESULT.serialize(TOPICS.results(), succeeded("j1", MODEL, "w1", T0)),
                StandardCharsets.UTF_8);
        String running = written.replace("\"status\":\"succeeded\"", "\"status\":\"running\"");
        assertThat(running).isNotEqualTo(written);

        // No result has a status other than a terminal one (the result serde refuses it): j1 goes on.
        raw.pipeInput("j1", running.getBytes(StandardCharsets.UTF_8));
        advance(Duration.ofMillis(5));
        assertThat(dispatched.isEmpty())
                .as("j2 dispatched to the worker j1 still holds")
                .isTrue();

        results.pipeInput("j1", succeeded("j1", MODEL, "w1", T0));
        advance(Duration.ofMillis(5));
        assertThat(dispatched.readValue().jobs())
                .extracting(DispatchedJob::jobId)
                .containsExactly("j2");
    }

    @Test
    void shouldForgetFinishedJobIdsAfterDedupeRetention() {
        start(batching(1, Duration.ZERO).withDedupeRetention(Duration.ofMinutes(5)));
        workers.pipeInput("w1", activeWorker("w1", 8, 0));
        submit("j1");
        results.pipeInput("j1", succeeded("j1", MODEL, "w1", T0));
        assertThat(dispatched.readValuesToList()).hasSize(1);

        advance(Duration.ofMinutes(4));
        workers.pipeInput("w1", worker("w1", 8, 0, WorkerState.ACTIVE, true, T0.plus(Duration.ofMinutes(4)), MODEL));
        submit("j1");
        assertThat(dispatched.isEmpty()).as("remembered within the retention").isTrue();

        advance(Duration.ofMinutes(3));
        workers.pipeInput("w1", worker("w1", 8, 0, WorkerState.ACTIVE, true, T0.plus(Duration.ofMinutes(7)), MODEL));
        submit("j1");
        assertThat(dispatched.readValuesToList())
                .as("forgotten after it: the request is taken as a new job")
                .singleElement()
                .satisfies(b ->
                        assertThat(b.jobs()).extracting(DispatchedJob::jobId).containsExactly("j1"));
    }

    private DispatcherConfig batching(int maxBatchSize, Duration maxQueueDelay) {
        return DispatcherConfig.defaults("dispatcher-test", TOPICS)
                .withModel(MODEL, new ModelBatching(maxBatchSize, maxQueueDelay));
    }

    private void start(DispatcherConfig config) {
        Harness h = new Harness(config, new LeastLoadedPolicy(), stateDir);
        driver = h.driver;
        registry = h.registry;
        requests = h.requests;
        results = h.results;
        control = h.control;
        workers = h.workers;
        dispatched = h.dispatched;
        events = h.events;
        outcomes = h.outcomes;
    }

    private TopologyTestDriver driver() {
        if (driver == null) {
            throw new IllegalStateException("start() first");
        }
        return driver;
    }

    private void submit(String... jobIds) {
        for (String id : jobIds) {
            requests.pipeInput(id, job(id, MODEL, 5, T0, null));
        }
    }

    private void advance(Duration by) {
        driver().advanceWallClockTime(by);
    }

    private static WorkerStatus activeWorker(String id, int capacity, int inFlight) {
        return worker(id, capacity, inFlight, WorkerState.ACTIVE, true, T0, MODEL);
    }
}
