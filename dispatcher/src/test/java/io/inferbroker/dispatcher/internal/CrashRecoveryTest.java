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
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * A dispatcher killed at any point keeps, of each store, the writes before some point (at least
 * once: each changelog is its own partition, flushed on its own, and the input offset is committed
 * later), and replays the inputs after its last commit. Each test makes the stores look as such a
 * kill can leave them, starts a new processor over them, and checks that every job still ends up on
 * exactly one worker. {@link LostWritesTest} tries every such point of a longer run.
 */
class CrashRecoveryTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "llama";

    private final DispatcherConfig config = DispatcherConfig.defaults("crash-test", TopicNames.unprefixed())
            .withModel(MODEL, new ModelBatching(1, Duration.ofMillis(20)))
            .withWorkerLease(Duration.ofSeconds(1));
    /** Where the task's results partition (partition 0 of {@code results}) ends, as the cluster would say. */
    private ResultsHorizon.Marks marks = new ResultsHorizon.Marks(0, 0);

    private final AtomicInteger asked = new AtomicInteger();
    private final ResultsHorizon horizon = partition -> {
        asked.incrementAndGet();
        return CompletableFuture.completedFuture(marks);
    };
    private final DispatchProcessorSupplier supplier =
            new DispatchProcessorSupplier(config, new LeastLoadedPolicy(), DispatcherMetrics.noop(), horizon);
    private TaskStores stores = TaskStores.create(config.dedupeRetention());
    private final KeyValueStore<String, WorkerStatus> workers = stores.workers();

    private MockProcessorContext<String, Outbound> context;
    private Processor<String, Envelope, String, Outbound> processor;

    @Test
    void shouldQueueAgainAReplayedRequestWhoseActiveRecordWasLost() {
        JobRequested j1 = job("j1", MODEL, 5, T0, null);
        start(T0);
        admit(j1);
        assertThat(events()).containsExactly(LifecycleType.QUEUED);

        stores = stores.restore(0); // the kill lost the job's one write
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

        assertThat(stores.writes()).as("never written as queued").hasSize(1);
        stores = stores.restore(0); // the in-flight record and the batch were lost
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
                DispatcherMetrics.noop(),
                horizon);
        workers.put("w1", active("w1", T0));
        start(T0, batching);
        admit(job("j1", MODEL, 5, T0, null)); // waits for the batching delay
        tick(T0.plusMillis(20));
        assertThat(batches()).containsExactly(List.of("j1"));

        // The request's offset was committed long before; the tick's in-flight write was lost, so the
        // job's record says queued (and the batch, sent after that write, was lost with it).
        assertThat(stores.writes()).hasSize(2);
        stores = stores.restore(1);
        start(T0.plusMillis(100), batching);
        workers.put("w1", active("w1", T0.plusMillis(100)));
        tick(T0.plusMillis(150));

        assertThat(batches()).containsExactly(List.of("j1"));
    }

    @Test
    void shouldNotDispatchAgainAJobInFlightAfterARestart() {
        JobRequested j1 = job("j1", MODEL, 5, T0, null);
        start(T0);
        admit(j1); // no worker: j1 waits, written to the active store as queued
        assertThat(onlyValue(stores.active()).sent()).isNull();
        workers.put("w1", active("w1", T0));
        tick(T0.plusMillis(20));
        assertThat(batches()).containsExactly(List.of("j1"));
        assertThat(onlyValue(stores.active()).sent())
                .as("the same record, now in flight")
                .isNotNull();

        stores = stores.restore(stores.writes().size());
        start(T0.plusMillis(100));
        workers.put("w1", active("w1", T0.plusMillis(100)));
        admit(job("j2", MODEL, 5, T0, null));
        tick(T0.plusMillis(150));
        tick(T0.plusMillis(200));

        assertThat(batches()).as("j1 is on w1 already").containsExactly(List.of("j2"));
    }

    @Test
    void shouldNotDispatchAFinishedJobWhoseActiveRecordSurvived() {
        JobRequested j1 = job("j1", MODEL, 5, T0, null);
        start(T0);
        admit(j1);
        processor.process(new Record<>(MODEL, new Envelope.Cancel("j1", TENANT, "no longer needed"), 0L));
        assertThat(events()).containsExactly(LifecycleType.QUEUED, LifecycleType.CANCELED);
        assertThat(stores.writes())
                .extracting(TaskStores.Write::store)
                .as("queued; then the finished mark before the deletion")
                .containsExactly(StoreNames.ACTIVE, StoreNames.DONE, StoreNames.ACTIVE);

        stores = stores.restore(1, 1); // the deletion was lost
        start(T0.plusMillis(100));
        workers.put("w1", active("w1", T0.plusMillis(100)));
        tick(T0.plusMillis(150));

        assertThat(batches()).as("a canceled job never runs").isEmpty();
        assertThat(stores.activeRecords()).as("the leftover record is deleted").isEmpty();
    }

    @Test
    void shouldRememberAJobWhoseFinishedMarkWasLostWhenItsResultComesAgain() {
        workers.put("w1", active("w1", T0));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        readResult(0, new Envelope.Finish("j1", MODEL, TENANT, JobStatus.SUCCEEDED, "w1", null));

        assertThat(stores.writes()).hasSize(3);
        stores = stores.restore(2, 0); // the deletion kept, the mark lost: j1 is in neither store
        start(T0.plusMillis(100));
        // The result's offset was not committed (a commit waits for every write before it).
        readResult(0, new Envelope.Finish("j1", MODEL, TENANT, JobStatus.SUCCEEDED, "w1", null));
        admit(job("j1", MODEL, 5, T0, null)); // a duplicate of the request, later
        tick(T0.plusMillis(150));

        assertThat(batches()).as("j1 is not sent again").isEmpty();
        assertThat(stores.activeRecords()).isEmpty();
    }

    @Test
    void shouldKeepAJobAdmittedAfterACancelOfAnotherTenantAcrossARestart() {
        workers.put("w1", active("w1", T0));
        start(T0);
        processor.process(new Record<>(MODEL, new Envelope.Cancel("j1", "someone-else", "not theirs"), 0L));
        admit(job("j1", MODEL, 5, T0, null)); // the cancel was not its tenant's: j1 runs
        assertThat(batches()).containsExactly(List.of("j1"));

        stores = stores.restore(stores.writes().size());
        start(T0.plusMillis(100));
        tick(T0.plusMillis(150));
        readResult(0, new Envelope.Finish("j1", MODEL, TENANT, JobStatus.SUCCEEDED, "w1", null));

        assertThat(batches()).as("still in flight, not sent again").isEmpty();
        assertThat(stores.activeRecords()).as("finished by its result").isEmpty();
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
        assertThat(onlyValue(stores.active()).sent())
                .as("one record, in flight on w2")
                .satisfies(s -> {
                    assertThat(s.workerId()).isEqualTo("w2");
                    assertThat(s.attempt()).isEqualTo(2);
                });
    }

    @Test
    void shouldNotDispatchAgainAJobWhoseResultWaitsUnreadWhenItsWorkerComesBackAsANewRun() {
        workers.put("w1", active("w1", T0).withInstance("run-a"));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        assertThat(batches()).containsExactly(List.of("j1"));

        // Everything is killed at once; run-a published j1's result (offset 0) after the last commit.
        marks = new ResultsHorizon.Marks(0, 1);
        Instant restart = T0.plusSeconds(5);
        start(restart);
        workers.put("w1", active("w1", restart).withInstance("run-b"));
        // A new request is read first (another partition, and newer than the start): not enough.
        context.setCurrentSystemTimeMs(restart.plusMillis(100).toEpochMilli());
        admit(job("j2", MODEL, 5, restart.plusMillis(100), null));
        tick(restart.plusMillis(200));
        assertThat(dispatched())
                .as("j1's result is not read yet: only the new job goes to run-b")
                .extracting(DispatchedJob::jobId)
                .containsExactly("j2");

        readResult(0, new Envelope.Finish("j1", MODEL, TENANT, JobStatus.SUCCEEDED, "w1", null));
        tick(restart.plusMillis(400));

        assertThat(dispatched())
                .as("j1 ran once, on run-a")
                .extracting(DispatchedJob::jobId)
                .containsExactly("j2");
    }

    @Test
    void shouldNotDispatchAgainTheJobsOfALostWorkerBeforeReadingTheResultsItPublishedBeforeItWent() {
        workers.put("w1", active("w1", T0));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        assertThat(batches()).containsExactly(List.of("j1"));

        // w1 published j1's result at offset 7, then went; its lease ends before the task reads it.
        marks = new ResultsHorizon.Marks(3, 8);
        readResult(6, new Envelope.Finish("j0", MODEL, TENANT, JobStatus.SUCCEEDED, "w1", null));
        tick(T0.plusSeconds(2));
        assertThat(events()).as("lost, but its results are not all read").doesNotContain(LifecycleType.REQUEUED);

        readResult(7, new Envelope.Finish("j1", MODEL, TENANT, JobStatus.SUCCEEDED, "w1", null));
        tick(T0.plusSeconds(2).plusMillis(200));

        assertThat(events()).doesNotContain(LifecycleType.REQUEUED);
        assertThat(dispatched()).extracting(DispatchedJob::jobId).containsExactly("j1");
    }

    @Test
    void shouldDispatchAgainTheJobsOfAnEarlierRunAtOnceWhenNoResultWaitsUnread() {
        workers.put("w1", active("w1", T0).withInstance("run-a"));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        marks = new ResultsHorizon.Marks(4, 4); // the group committed up to the end: nothing to read
        Instant restart = T0.plusSeconds(5);
        start(restart);
        workers.put("w1", active("w1", restart).withInstance("run-b"));
        tick(restart.plusMillis(200));

        assertThat(dispatched())
                .as("j1, on run-a when it went, is sent to run-b")
                .singleElement()
                .satisfies(j -> assertThat(j.attempt()).isEqualTo(2));
    }

    @Test
    void shouldDispatchAgainTheJobsOfAnEarlierRunAfterTheLimitWhenTheResultsNeverCome() {
        workers.put("w1", active("w1", T0).withInstance("run-a"));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        marks = new ResultsHorizon.Marks(0, 1);
        Instant restart = T0.plusSeconds(5);
        start(restart);
        workers.put("w1", active("w1", restart).withInstance("run-b"));
        tick(restart.plusMillis(200));
        assertThat(dispatched()).as("j1's result may be unread").isEmpty();

        Instant later = restart.plusMillis(200).plus(Catchup.LIMIT);
        workers.put("w1", active("w1", later).withInstance("run-b"));
        tick(later);

        assertThat(dispatched())
                .as("the record at offset 0 never reached the task: j1 is sent to the new run")
                .singleElement()
                .satisfies(j -> assertThat(j.attempt()).isEqualTo(2));
    }

    @Test
    void shouldWaitPastTheLimitWhileTheTaskKeepsReadingItsResults() {
        workers.put("w1", active("w1", T0).withInstance("run-a"));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        marks = new ResultsHorizon.Marks(0, 100);
        Instant restart = T0.plusSeconds(5);
        start(restart);
        workers.put("w1", active("w1", restart).withInstance("run-b"));
        tick(restart);
        // A busy machine: the backlog of results is read slowly, but it is read.
        Instant now = restart;
        for (int offset = 0; offset < 98; offset += 10) {
            now = now.plus(Catchup.LIMIT.dividedBy(2));
            readResult(offset, new Envelope.Finish("other-" + offset, MODEL, TENANT, JobStatus.SUCCEEDED, "w9", null));
            workers.put("w1", active("w1", now).withInstance("run-b"));
            tick(now);
        }
        assertThat(dispatched()).as("still reading, long past the limit").isEmpty();

        now = now.plus(Catchup.LIMIT);
        workers.put("w1", active("w1", now).withInstance("run-b"));
        tick(now);

        assertThat(dispatched())
                .as("nothing read for the limit: j1 is sent to the new run")
                .singleElement()
                .satisfies(j -> assertThat(j.attempt()).isEqualTo(2));
    }

    @Test
    void shouldAskWhereTheResultsEndAgainForEachNewJudgement() {
        workers.put("w1", active("w1", T0));
        workers.put("w2", active("w2", T0));
        start(T0);
        admit(job("j1", MODEL, 5, T0, null));
        admit(job("j2", MODEL, 5, T0, null));
        assertThat(dispatched()).hasSize(2);
        workers.put("w1", worker("w1", 2, 0, WorkerState.GONE, true, T0, MODEL));
        tick(T0.plusMillis(200));
        assertThat(asked).hasValue(1);

        workers.put("w2", worker("w2", 2, 0, WorkerState.GONE, true, T0.plusMillis(300), MODEL));
        tick(T0.plusMillis(400));

        assertThat(asked)
                .as("once w1 was dealt with, w2's judgement asks again")
                .hasValue(2);
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
        stores.addTo(context);
        processor = from.get();
        processor.init(context);
    }

    /** A request written now, as the ingress stamps it. */
    private void admit(JobRequested job) {
        processor.process(new Record<>(MODEL, new Envelope.Admit(job), context.currentSystemTimeMs()));
    }

    /** A record of the task's results partition, at {@code offset}. */
    private void readResult(long offset, Envelope envelope) {
        context.setRecordMetadata(config.topics().results(), 0, offset);
        processor.process(new Record<>(MODEL, envelope, context.currentSystemTimeMs()));
        context.setRecordMetadata(config.topics().requests(), 0, offset);
    }

    private void tick(Instant now) {
        TaskOutputs.tick(context, now);
    }

    private static WorkerStatus active(String id, Instant at) {
        return worker(id, 2, 0, WorkerState.ACTIVE, true, at, MODEL);
    }

    private List<LifecycleType> events() {
        return TaskOutputs.events(context);
    }

    private List<DispatchedJob> dispatched() {
        return TaskOutputs.dispatched(context);
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
}
