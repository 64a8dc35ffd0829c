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
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run that takes jobs through every kind of store write (queued, dispatched on arrival and by a
 * tick, finished, canceled queued and before arrival, queued again after a lost worker, sent again),
 * stopped after every one of its writes in turn: the stores are rebuilt from what their changelogs
 * kept, a new processor starts over them, the inputs after the last commit the kept writes allow are
 * processed again (and, separately, all of them), and the surviving worker finishes what it gets.
 *
 * <p>Two models of what a stop keeps. Kept in order: the writes and outputs sent before some point
 * of the producer's sequence (the dispatcher's own guarantee that a job's in-flight record is sent
 * before its batch rests on it). Kept per store: each store's changelog a prefix of its own, in any
 * combination (what at least once strictly promises). In both, no job is lost: every job ends
 * finished (or canceled), none is left in the active store; and a job whose finished mark was kept is
 * not sent again. In the first, also no job is run twice without a reason: no attempt of a job is
 * sent twice.
 */
class LostWritesTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "llama";
    private static final List<String> JOBS = List.of("j1", "j2", "j3", "j4", "j5");
    private static final List<String> CANCELED = List.of("j4", "j5");
    /**
     * Canceled before it came, so never to run. (j5 was canceled while queued for want of a worker;
     * processed again later, w2 may take it before its cancel comes, which then goes to w2.)
     */
    private static final String NEVER_RUNS = "j4";

    private final DispatcherConfig config = DispatcherConfig.defaults("lost-writes-test", TopicNames.unprefixed())
            .withModel(MODEL, new ModelBatching(2, Duration.ofMillis(20)))
            .withWorkerLease(Duration.ofSeconds(1))
            .withJobTimeout(Duration.ofSeconds(5))
            .withMaxAttempts(5);
    private final DispatchProcessorSupplier supplier = new DispatchProcessorSupplier(
            config, new LeastLoadedPolicy(), DispatcherMetrics.noop(), ResultsHorizon.NONE);

    /** One step of the run: an input, which comes again after a stop unless committed, or a tick. */
    private record Step(String what, Instant at, boolean input, Consumer<Task> action) {}

    private final List<Step> steps = new ArrayList<>();
    private final TaskStores stores = TaskStores.create(config.dedupeRetention());
    /** Writes made before each step (and, last, all of them). */
    private final List<Integer> writesBefore = new ArrayList<>();

    private List<DispatchedJob> sentInRun;
    private Task run;

    @BeforeEach
    void runOnce() {
        stores.workers().put("w1", active("w1", T0));
        scenario();
        run = new Task(stores, T0);
        for (Step step : steps) {
            writesBefore.add(stores.writes().size());
            run.at(step.at());
            step.action().accept(run);
        }
        writesBefore.add(stores.writes().size());
        sentInRun = run.dispatched(0);
        assertThat(stores.activeRecords())
                .as("the run ends with every job done")
                .isEmpty();
        assertThat(stores.writes())
                .extracting(TaskStores.Write::store)
                .as("the run writes both stores")
                .contains(StoreNames.ACTIVE, StoreNames.DONE);
    }

    @Test
    void shouldLoseAndRunTwiceNoJobWhateverPrefixOfItsWritesAndOutputsAStopKeeps() {
        int all = stores.writes().size();
        for (int kept = 0; kept <= all; kept++) {
            int delivered =
                    kept == all ? run.outputs() : stores.writes().get(kept).outputsBefore();
            for (int commit : List.of(0, lastCommit(kept))) {
                String stop = "after " + kept + " of " + all + " writes, committed before step " + commit;
                Task after = recover(stores.restore(kept), commit);

                assertFinishedNotSentAgain(stores.writes().subList(0, kept), after, stop);
                List<DispatchedJob> sent = new ArrayList<>(run.dispatched(0).subList(0, dispatchedIn(delivered)));
                sent.addAll(after.dispatched(0));
                assertNoAttemptSentTwice(sent, stop);
                assertThat(sent)
                        .extracting(DispatchedJob::jobId)
                        .as("%s: a job canceled before it came never runs", stop)
                        .doesNotContain(NEVER_RUNS);
                assertAllFinished(after, true, stop);
            }
        }
    }

    @Test
    void shouldLoseNoJobWhateverPrefixOfEachStoresWritesAStopKeeps() {
        long active = stores.writes().stream()
                .filter(w -> w.store().equals(StoreNames.ACTIVE))
                .count();
        long done = stores.writes().size() - active;
        for (int a = 0; a <= active; a++) {
            for (int d = 0; d <= done; d++) {
                for (int commit : List.of(0, lastCommit(a, d))) {
                    String stop = "after " + a + " active and " + d + " done writes, committed before step " + commit;
                    Task after = recover(stores.restore(a, d), commit);
                    assertFinishedNotSentAgain(doneWrites(d), after, stop);

                    assertThat(after.dispatched(0))
                            .extracting(DispatchedJob::jobId)
                            .as("%s: a job canceled before it came never runs", stop)
                            .doesNotContain(NEVER_RUNS);
                    assertAllFinished(after, false, stop);
                }
            }
        }
    }

    /**
     * j1 and j2 go out together on arrival of j2, j3 waits and goes by a tick once j1 finished, j4 is
     * canceled before it comes, j5 waits and is canceled; w1 goes, j2 and j3 are queued again and
     * sent to w2, which finishes them.
     */
    private void scenario() {
        input("admit j1", T0, t -> t.admit(job("j1", MODEL, 5, T0, null)));
        input("admit j2", T0.plusMillis(1), t -> t.admit(job("j2", MODEL, 5, T0, null)));
        input("admit j3", T0.plusMillis(2), t -> t.admit(job("j3", MODEL, 5, T0, null)));
        input("result j1", T0.plusMillis(3), t -> t.result("j1", "w1"));
        tick("j3 sent by a tick", T0.plusMillis(25));
        input("cancel j4 before it comes", T0.plusMillis(26), t -> t.cancel("j4"));
        input("admit j4", T0.plusMillis(27), t -> t.admit(job("j4", MODEL, 5, T0, null)));
        input("admit j5", T0.plusMillis(28), t -> t.admit(job("j5", MODEL, 5, T0, null)));
        steps.add(new Step("w1 goes", T0.plusMillis(130), false, t -> {
            stores.workers().put("w1", worker("w1", 2, 0, WorkerState.GONE, true, t.now(), MODEL));
            t.tick();
        }));
        input("cancel j5 while queued", T0.plusMillis(131), t -> t.cancel("j5"));
        steps.add(new Step("w2 comes", T0.plusMillis(140), false, t -> {
            stores.workers().put("w2", active("w2", t.now()));
            t.tick();
        }));
        input("result j2", T0.plusMillis(141), t -> t.result("j2", "w2"));
        input("result j3", T0.plusMillis(142), t -> t.result("j3", "w2"));
    }

    private void input(String what, Instant at, Consumer<Task> action) {
        steps.add(new Step(what, at, true, action));
    }

    private void tick(String what, Instant at) {
        steps.add(new Step(what, at, false, Task::tick));
    }

    /** The latest step a commit may have preceded when the stop kept {@code kept} writes in order. */
    private int lastCommit(int kept) {
        int last = 0;
        for (int step = 0; step < steps.size(); step++) {
            if (writesBefore.get(step) <= kept) {
                last = step;
            }
        }
        return last;
    }

    /** The latest step a commit may have preceded when each store kept that many of its writes. */
    private int lastCommit(int activeKept, int doneKept) {
        int last = 0;
        for (int step = 0; step < steps.size(); step++) {
            List<TaskStores.Write> before = stores.writes().subList(0, writesBefore.get(step));
            long active = before.stream()
                    .filter(w -> w.store().equals(StoreNames.ACTIVE))
                    .count();
            if (active <= activeKept && before.size() - active <= doneKept) {
                last = step;
            }
        }
        return last;
    }

    /**
     * A new processor over the stores a stop left: the inputs from step {@code commit} on come again,
     * then time passes (past the job timeout) with w2 reporting and finishing whatever it is sent.
     */
    private Task recover(TaskStores left, int commit) {
        Instant now = T0.plusSeconds(1);
        left.workers().put("w2", active("w2", now));
        Task task = new Task(left, now);
        for (Step step : steps.subList(commit, steps.size())) {
            if (step.input()) {
                now = now.plusMillis(1);
                task.at(now);
                step.action().accept(task);
            }
        }
        int finished = 0;
        Instant end = now.plus(config.jobTimeout()).plusSeconds(2);
        while (now.isBefore(end)) {
            now = now.plusMillis(200);
            left.workers().put("w2", active("w2", now));
            task.at(now);
            task.tick();
            List<DispatchedJob> sent = task.dispatched(finished);
            finished += sent.size();
            sent.forEach(j -> task.result(j.jobId(), "w2"));
        }
        return task;
    }

    /** The first {@code kept} writes to the done store. */
    private List<TaskStores.Write> doneWrites(int kept) {
        return stores.writes().stream()
                .filter(w -> w.store().equals(StoreNames.DONE))
                .limit(kept)
                .toList();
    }

    /** A job the kept writes remember as finished is not sent again, whatever else they kept of it. */
    private static void assertFinishedNotSentAgain(List<TaskStores.Write> kept, Task after, String stop) {
        List<String> finished = kept.stream()
                .filter(w -> w.value() instanceof DoneMark m && m.kind() == DoneMark.Kind.FINISHED)
                .map(TaskStores.Write::key)
                .toList();
        assertThat(after.dispatched(0))
                .extracting(DispatchedJob::jobId)
                .filteredOn(finished::contains)
                .as("%s: finished before the stop, never sent after it", stop)
                .isEmpty();
    }

    private static void assertNoAttemptSentTwice(List<DispatchedJob> sent, String stop) {
        Map<String, List<Integer>> attempts = new HashMap<>();
        sent.forEach(j ->
                attempts.computeIfAbsent(j.jobId(), id -> new ArrayList<>()).add(j.attempt()));
        attempts.forEach((jobId, tries) ->
                assertThat(tries).as("%s: the attempts of %s sent", stop, jobId).doesNotHaveDuplicates());
    }

    private void assertAllFinished(Task after, boolean inOrder, String stop) {
        assertThat(after.stores.activeRecords())
                .as("%s: no job is left in the active store", stop)
                .isEmpty();
        DoneJobs done = new DoneJobs(after.stores.done(), config.dedupeRetention());
        for (String jobId : JOBS) {
            DoneMark mark = done.latest(jobId, after.now());
            assertThat(mark).as("%s: %s is remembered", stop, jobId).isNotNull();
            if (inOrder || !CANCELED.contains(jobId)) {
                // Kept per store, a canceled job's mark may be lost with its deletion kept: its cancel
                // comes again and is remembered as one that came first.
                assertThat(mark.kind()).as("%s: %s finished", stop, jobId).isEqualTo(DoneMark.Kind.FINISHED);
            }
        }
    }

    /** How many jobs the first {@code outputs} records of the run sent. */
    private int dispatchedIn(int outputs) {
        int jobs = 0;
        for (var forward : run.context.forwarded().subList(0, outputs)) {
            if (forward.record().value() instanceof Outbound.Batch b) {
                jobs += b.batch().jobs().size();
            }
        }
        return jobs;
    }

    private static WorkerStatus active(String id, Instant at) {
        return worker(id, 2, 0, WorkerState.ACTIVE, true, at, MODEL);
    }

    /** A processor over stores, with its context. */
    private final class Task {
        final TaskStores stores;
        final MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
        final Processor<String, Envelope, String, Outbound> processor = supplier.get();

        Task(TaskStores stores, Instant now) {
            this.stores = stores;
            at(now);
            stores.addTo(context);
            processor.init(context);
        }

        void at(Instant now) {
            context.setCurrentSystemTimeMs(now.toEpochMilli());
        }

        Instant now() {
            return Instant.ofEpochMilli(context.currentSystemTimeMs());
        }

        void admit(JobRequested job) {
            process(new Envelope.Admit(job));
        }

        void result(String jobId, String workerId) {
            process(new Envelope.Finish(jobId, MODEL, TENANT, JobStatus.SUCCEEDED, workerId, null));
        }

        void cancel(String jobId) {
            process(new Envelope.Cancel(jobId, TENANT, "no longer needed"));
        }

        void tick() {
            context.scheduledPunctuators().getFirst().getPunctuator().punctuate(context.currentSystemTimeMs());
        }

        int outputs() {
            return context.forwarded().size();
        }

        /** The jobs sent in batches, from the {@code from}-th sent on. */
        List<DispatchedJob> dispatched(int from) {
            List<DispatchedJob> sent = new ArrayList<>();
            for (var forward : context.forwarded()) {
                if (forward.record().value() instanceof Outbound.Batch b) {
                    sent.addAll(b.batch().jobs());
                }
            }
            return sent.subList(from, sent.size());
        }

        private void process(Envelope envelope) {
            processor.process(new Record<>(MODEL, envelope, context.currentSystemTimeMs()));
        }
    }
}
