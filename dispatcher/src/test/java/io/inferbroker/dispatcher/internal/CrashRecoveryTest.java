package io.inferbroker.dispatcher.internal;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.LeastLoadedPolicy;
import io.inferbroker.dispatcher.ModelBatching;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.JsonSerde;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A dispatcher killed at any point keeps an arbitrary subset of one step's store writes (at least
 * once: the changelogs are several topics, and the input offset is committed later), and replays
 * the inputs after its last commit. Each test makes the stores look as such a kill can leave them,
 * starts a new processor over them, and checks that every job still ends up on exactly one worker.
 */
class CrashRecoveryTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "llama";

    private final DispatcherConfig config = DispatcherConfig.defaults("crash-test", TopicNames.unprefixed())
            .withModel(MODEL, new ModelBatching(1, Duration.ofMillis(20)))
            .withWorkerLease(Duration.ofSeconds(1));
    private final DispatchProcessorSupplier supplier =
            new DispatchProcessorSupplier(config, new LeastLoadedPolicy(), DispatcherMetrics.noop());
    private final KeyValueStore<String, JobEntry> jobs = store(StoreNames.JOBS, JsonSerde.of(JobEntry.class));
    private final KeyValueStore<String, QueuedJob> queue = store(StoreNames.QUEUE, JsonSerde.of(QueuedJob.class));
    private final KeyValueStore<String, InFlight> inFlight = store(StoreNames.IN_FLIGHT, JsonSerde.of(InFlight.class));
    private final KeyValueStore<String, String> retire = store(StoreNames.RETIRE, Serdes.String());
    private final KeyValueStore<String, WorkerStatus> workers = store(StoreNames.WORKERS, WireSerdes.WORKER_STATUS);

    private MockProcessorContext<String, Outbound> context;
    private Processor<String, Envelope, String, Outbound> processor;

    @Test
    void shouldQueueAgainAReplayedRequestWhoseQueueRecordWasLost() {
        JobRequested j1 = job("j1", MODEL, 5, T0, null);
        start(T0);
        admit(j1);
        assertThat(events()).containsExactly(LifecycleType.QUEUED);

        clear(queue); // the kill kept the jobs store's write, not the queue store's
        start(T0.plusMillis(100));
        admit(j1); // its offset was not committed: the request comes again
        workers.put("w1", active("w1", T0.plusMillis(100)));
        tick(T0.plusMillis(150));

        assertThat(batches()).containsExactly(List.of("j1"));
    }

    @Test
    void shouldDispatchAgainAReplayedRequestWhoseInFlightRecordWasLost() {
        JobRequested j1 = job("j1", MODEL, 5, T0, null);
        workers.put("w1", active("w1", T0));
        start(T0);
        admit(j1); // due at once: dispatched on arrival
        assertThat(batches()).containsExactly(List.of("j1"));

        clear(inFlight); // the jobs store says dispatched; the in-flight record and the batch were lost
        start(T0.plusMillis(100));
        admit(j1);
        tick(T0.plusMillis(150));

        assertThat(batches()).containsExactly(List.of("j1"));
    }

    @Test
    void shouldDispatchAgainAJobSentByATickWhoseInFlightRecordWasLost() {
        DispatchProcessorSupplier batching = new DispatchProcessorSupplier(
                config.withModel(MODEL, new ModelBatching(8, Duration.ofMillis(20))),
                new LeastLoadedPolicy(),
                DispatcherMetrics.noop());
        workers.put("w1", active("w1", T0));
        start(T0, batching);
        admit(job("j1", MODEL, 5, T0, null)); // waits for the batching delay
        tick(T0.plusMillis(20));
        assertThat(batches()).containsExactly(List.of("j1"));

        // The request's offset was committed long before; the tick's in-flight write was lost.
        clear(inFlight);
        start(T0.plusMillis(100), batching);
        workers.put("w1", active("w1", T0.plusMillis(100)));
        tick(T0.plusMillis(150));

        assertThat(batches()).containsExactly(List.of("j1"));
    }

    @Test
    void shouldNotDispatchAgainAJobInFlightWhoseQueueRecordSurvived() {
        JobRequested j1 = job("j1", MODEL, 5, T0, null);
        start(T0);
        admit(j1); // no worker: j1 waits, written to the queue store
        QueuedJob waiting = onlyValue(queue);
        workers.put("w1", active("w1", T0));
        tick(T0.plusMillis(20));
        assertThat(batches()).containsExactly(List.of("j1"));

        queue.put(StoreKeys.queueKey(j1, waiting.queuedAt(), 1_000), waiting); // as if never taken off
        start(T0.plusMillis(100));
        workers.put("w1", active("w1", T0.plusMillis(100)));
        admit(job("j2", MODEL, 5, T0, null));
        tick(T0.plusMillis(150));
        tick(T0.plusMillis(200));

        assertThat(batches()).as("j1 is on w1 already").containsExactly(List.of("j2"));
    }

    @Test
    void shouldNotDispatchAFinishedJobWhoseQueueRecordSurvived() {
        JobRequested j1 = job("j1", MODEL, 5, T0, null);
        start(T0);
        admit(j1);
        QueuedJob waiting = onlyValue(queue);
        processor.process(new Record<>(MODEL, new Envelope.Cancel("j1", TENANT, "no longer needed"), 0L));
        assertThat(events()).containsExactly(LifecycleType.QUEUED, LifecycleType.CANCELED);

        queue.put(StoreKeys.queueKey(j1, waiting.queuedAt(), 1_000), waiting); // the deletion was lost
        start(T0.plusMillis(100));
        workers.put("w1", active("w1", T0.plusMillis(100)));
        tick(T0.plusMillis(150));

        assertThat(batches()).as("a canceled job never runs").isEmpty();
        assertThat(queue.approximateNumEntries()).isZero();
    }

    @Test
    void shouldDispatchARequeuedJobOnceAfterARestart() {
        workers.put("w1", active("w1", T0));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        assertThat(batches()).containsExactly(List.of("j1"));
        workers.put("w1", worker("w1", 2, 0, WorkerState.GONE, true, T0, MODEL));
        tick(T0.plusMillis(200)); // lost: j1 is queued again, and no worker is left
        assertThat(events()).endsWith(LifecycleType.REQUEUED);

        start(T0.plusMillis(300));
        workers.put("w2", active("w2", T0.plusMillis(300)));
        tick(T0.plusMillis(400));
        tick(T0.plusMillis(600));

        List<DispatchedJob> sent = dispatched();
        assertThat(sent).singleElement().satisfies(j -> assertThat(j.attempt()).isEqualTo(2));
        assertThat(inFlight.approximateNumEntries())
                .as("only w2's record is left")
                .isEqualTo(1);
    }

    @Test
    void shouldNotDispatchAgainAJobWhoseResultWaitsUnreadWhenItsWorkerComesBackAsANewRun() {
        workers.put("w1", active("w1", T0).withInstance("run-a"));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        assertThat(batches()).containsExactly(List.of("j1"));

        // Everything is killed at once; run-a published j1's result before, after the last commit.
        Instant restart = T0.plusSeconds(5);
        start(restart);
        workers.put("w1", active("w1", restart).withInstance("run-b"));
        tick(restart.plusMillis(200));
        processAt(T0.plusSeconds(1), new Envelope.Finish("j1", MODEL, TENANT, JobStatus.SUCCEEDED, "w1", null));
        context.setCurrentSystemTimeMs(restart.plusSeconds(1).toEpochMilli());
        admit(job("j2", MODEL, 5, restart.plusSeconds(1), null));
        tick(restart.plusSeconds(1).plusMillis(200));

        assertThat(dispatched())
                .as("j1 ran once, on run-a; only the new job goes to run-b")
                .extracting(DispatchedJob::jobId)
                .containsExactly("j2");
    }

    @Test
    void shouldDispatchAgainTheJobsOfAnEarlierRunOnceTheTaskHasCaughtUpOrWaitedLongEnough() {
        workers.put("w1", active("w1", T0).withInstance("run-a"));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        Instant restart = T0.plusSeconds(5);
        start(restart);
        workers.put("w1", active("w1", restart).withInstance("run-b"));
        tick(restart.plusMillis(200));
        assertThat(dispatched())
                .as("no input read yet: j1's result may be among it")
                .isEmpty();

        workers.put("w1", active("w1", restart.plusSeconds(11)).withInstance("run-b"));
        tick(restart.plusSeconds(11));

        assertThat(dispatched())
                .as("nothing came in ten seconds: j1 is sent to the new run")
                .singleElement()
                .satisfies(j -> assertThat(j.attempt()).isEqualTo(2));
    }

    private void start(Instant now) {
        start(now, supplier);
    }

    private void start(Instant now, DispatchProcessorSupplier from) {
        if (processor != null) {
            processor.close();
        }
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(now.toEpochMilli());
        for (KeyValueStore<String, ?> s : List.of(jobs, queue, inFlight, retire, workers)) {
            context.addStateStore(s);
        }
        processor = from.get();
        processor.init(context);
    }

    /** A request written now, as the ingress stamps it. */
    private void admit(JobRequested job) {
        processor.process(new Record<>(MODEL, new Envelope.Admit(job), context.currentSystemTimeMs()));
    }

    private void processAt(Instant written, Envelope envelope) {
        processor.process(new Record<>(MODEL, envelope, written.toEpochMilli()));
    }

    private void tick(Instant now) {
        context.setCurrentSystemTimeMs(now.toEpochMilli());
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(now.toEpochMilli());
    }

    private static WorkerStatus active(String id, Instant at) {
        return worker(id, 2, 0, WorkerState.ACTIVE, true, at, MODEL);
    }

    private List<LifecycleType> events() {
        List<LifecycleType> types = new ArrayList<>();
        for (var forward : context.forwarded()) {
            if (forward.record().value() instanceof Outbound.Event e) {
                types.add(e.event().type());
            }
        }
        return types;
    }

    private List<DispatchedJob> dispatched() {
        List<DispatchedJob> sent = new ArrayList<>();
        for (var forward : context.forwarded()) {
            if (forward.record().value() instanceof Outbound.Batch b) {
                sent.addAll(b.batch().jobs());
            }
        }
        return sent;
    }

    private List<List<String>> batches() {
        List<List<String>> batches = new ArrayList<>();
        for (var forward : context.forwarded()) {
            if (forward.record().value() instanceof Outbound.Batch b
                    && !b.batch().jobs().isEmpty()) {
                batches.add(b.batch().jobs().stream().map(DispatchedJob::jobId).toList());
            }
        }
        return batches;
    }

    private static <V> V onlyValue(KeyValueStore<String, V> store) {
        List<V> values = new ArrayList<>();
        try (var it = store.all()) {
            it.forEachRemaining(kv -> values.add(kv.value));
        }
        assertThat(values).hasSize(1);
        return values.getFirst();
    }

    private static void clear(KeyValueStore<String, ?> store) {
        List<String> keys = new ArrayList<>();
        try (var it = store.all()) {
            it.forEachRemaining((KeyValue<String, ?> kv) -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
    }

    private static <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled()
                .build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
