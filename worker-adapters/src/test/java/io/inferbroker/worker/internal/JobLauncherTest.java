package io.inferbroker.worker.internal;

import static io.inferbroker.worker.Jobs.batch;
import static io.inferbroker.worker.Jobs.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.Usage;
import io.inferbroker.testkit.MutableClock;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.Jobs;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.VirtualTimeScheduler;
import io.inferbroker.worker.sim.LatencyModel;
import io.inferbroker.worker.sim.SimulatedModelAdapter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobLauncherTest {
    private static final TopicNames TOPICS = new TopicNames("unit.");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:01Z");
    private static final Price PRICE =
            new Price(new BigDecimal("1.00"), new BigDecimal("2.00"), BigDecimal.ZERO, "USD");

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final MutableClock clock = new MutableClock(T0);
    private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(clock);
    private final LatencyModel latency = LatencyModel.load("llama-160m", 1.0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Listener listener = new Listener();
    private Capacity capacity = new Capacity(4);

    /** Records the in-flight count at every change and every finished result. */
    private final class Listener implements JobListener {
        final AtomicInteger maxInFlight = new AtomicInteger();
        final List<JobResult> finished = new CopyOnWriteArrayList<>();

        @Override
        public void inFlightChanged() {
            maxInFlight.accumulateAndGet(capacity.inFlight(), Math::max);
        }

        @Override
        public void finished(JobResult result) {
            finished.add(result);
        }
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void shouldPublishStartedTokensResultAndTerminalEventForEachJob() {
        DispatchBatch batch = batch("w1", "sim-echo", chat("j1", "hello world"), chat("j2", "one two three"));

        run(launcher(sim()), batch);

        Published out = Published.from(producer, TOPICS);
        Duration prefill = latency.prefill(2, 3);
        Duration step = latency.step(2);
        for (String jobId : List.of("j1", "j2")) {
            List<LifecycleEvent> events = out.events(jobId);
            assertThat(events)
                    .extracting(LifecycleEvent::type)
                    .containsExactly(LifecycleType.STARTED, LifecycleType.SUCCEEDED);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.workerId()).isEqualTo("w1");
                assertThat(e.attempt()).isEqualTo(1);
                assertThat(e.model()).isEqualTo("sim-echo");
            });
            List<TokenDelta> tokens = out.tokens(jobId);
            assertThat(tokens)
                    .extracting(TokenDelta::seq)
                    .containsExactly(java.util.stream.LongStream.rangeClosed(1, tokens.size())
                            .boxed()
                            .toArray(Long[]::new));
            JobResult result = out.results(jobId).getFirst();
            assertThat(out.results(jobId)).hasSize(1);
            assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(result.output().get("text").asText())
                    .isEqualTo(String.join(
                            "", tokens.stream().map(TokenDelta::text).toList()));
            assertThat(result.timings().acceptedAt()).isEqualTo(Jobs.ACCEPTED);
            assertThat(result.timings().dispatchedAt()).isEqualTo(Jobs.DISPATCHED);
            assertThat(result.timings().startedAt()).isEqualTo(T0);
            assertThat(result.timings().firstTokenAt())
                    .isEqualTo(T0.plus(prefill).plus(step));
            assertThat(result.timings().completedAt())
                    .isEqualTo(T0.plus(prefill).plus(step.multipliedBy(tokens.size())));
            assertThat(out.indexOf(events.get(0))).isLessThan(out.indexOf(tokens.getFirst()));
            assertThat(out.indexOf(tokens.getLast())).isLessThan(out.indexOf(result));
            assertThat(out.indexOf(result)).isLessThan(out.indexOf(events.get(1)));
        }
        JobResult second = out.results("j2").getFirst();
        assertThat(second.usage()).isEqualTo(new Usage(3, 3));
        // 3 x 1.00/1e6 + 3 x 2.00/1e6
        assertThat(second.cost().amount()).isEqualByComparingTo("0.000009");
        assertThat(out.tokens("j2")).extracting(TokenDelta::text).containsExactly("one", " two", " three");
        assertThat(registry.get("broker.worker.jobs")
                        .tag("outcome", "succeeded")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("broker.worker.tokens").counter().count()).isEqualTo(5);
        assertThat(listener.finished).hasSize(2);
        assertThat(capacity.inFlight()).isZero();
    }

    @Test
    void shouldNeverRunMoreJobsThanItsCapacity() {
        capacity = new Capacity(2);
        DispatchedJob[] jobs = new DispatchedJob[7];
        for (int i = 0; i < jobs.length; i++) {
            jobs[i] = chat("j" + i, "a b c d");
        }

        run(launcher(sim()), batch("w1", "sim-echo", jobs));

        Published out = Published.from(producer, TOPICS);
        assertThat(out.of(JobResult.class)).hasSize(7).allMatch(r -> r.status() == JobStatus.SUCCEEDED);
        assertThat(listener.maxInFlight.get()).isEqualTo(2);
        assertThat(capacity.inFlight()).isZero();
    }

    @Test
    void shouldExpireJobsWhoseDeadlinePassedWithoutRunningThem() {
        DispatchedJob late = new DispatchedJob(
                "late",
                "tenant-1",
                io.inferbroker.schemas.JobKind.CHAT,
                Jobs.json("{\"messages\":[]}"),
                2,
                0,
                T0,
                Jobs.ACCEPTED);

        run(launcher(sim()), batch("w1", "sim-echo", late, chat("ok", "fine")));

        Published out = Published.from(producer, TOPICS);
        assertThat(out.events("late")).extracting(LifecycleEvent::type).containsExactly(LifecycleType.EXPIRED);
        JobResult result = out.results("late").getFirst();
        assertThat(result.status()).isEqualTo(JobStatus.EXPIRED);
        assertThat(result.attempt()).isEqualTo(2);
        assertThat(result.error().code()).isEqualTo("deadline_exceeded");
        assertThat(result.timings().startedAt()).isNull();
        assertThat(out.results("ok").getFirst().status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void shouldFailBatchesForAModelItDoesNotServe() {
        run(launcher(sim()), batch("w1", "gpt-9", chat("j1", "hi")));

        Published out = Published.from(producer, TOPICS);
        assertThat(out.events("j1")).extracting(LifecycleEvent::type).containsExactly(LifecycleType.FAILED);
        assertThat(out.results("j1").getFirst().error().code()).isEqualTo("model_not_served");
        assertThat(out.tokens("j1")).isEmpty();
    }

    @Test
    void shouldGiveUpJobsNotStartedWhenToldToStopWaitingForSlots() {
        capacity = new Capacity(1);
        HeldAdapter held = new HeldAdapter();
        JobLauncher launcher = launcher(held);

        Optional<CompletableFuture<Void>> launched =
                launcher.launch(batch("w1", "sim-echo", chat("first", "x"), chat("second", "y")), () -> false);

        assertThat(launched).isEmpty();
        assertThat(held.jobs).containsOnlyKeys("first");
        held.jobs.get("first").complete(JobOutcome.failed("boom", "the model server fell over"));
        Published out = Published.from(producer, TOPICS);
        assertThat(out.results("first").getFirst().error().code()).isEqualTo("boom");
        assertThat(out.events("second")).isEmpty();
        assertThat(capacity.inFlight()).isZero();
    }

    @Test
    void shouldTurnAnAdapterErrorIntoAFailedResultWithPartialTokens() {
        HeldAdapter held = new HeldAdapter();
        CompletableFuture<Void> done = launcher(held)
                .launch(batch("w1", "sim-echo", chat("j1", "x")), () -> true)
                .orElseThrow();

        held.sinks.get("j1").token("j1", 0, "partial");
        held.jobs.get("j1").completeExceptionally(new IllegalStateException("connection reset"));
        done.orTimeout(10, TimeUnit.SECONDS).join();

        Published out = Published.from(producer, TOPICS);
        JobResult result = out.results("j1").getFirst();
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.error().code()).isEqualTo("adapter_error");
        assertThat(result.error().message()).contains("connection reset");
        assertThat(result.timings().firstTokenAt()).isEqualTo(T0);
        assertThat(out.tokens("j1")).extracting(TokenDelta::text).containsExactly("partial");
    }

    @Test
    void shouldPublishNothingMoreOnceAbandoned() {
        HeldAdapter held = new HeldAdapter();
        JobLauncher launcher = launcher(held);
        CompletableFuture<Void> done = launcher.launch(batch("w1", "sim-echo", chat("j1", "x")), () -> true)
                .orElseThrow();

        launcher.abandon();
        held.sinks.get("j1").token("j1", 0, "late");
        held.jobs.get("j1").complete(JobOutcome.failed("adapter_closed", "closed"));

        assertThat(done).isCompletedExceptionally();
        Published out = Published.from(producer, TOPICS);
        assertThat(out.tokens("j1")).isEmpty();
        assertThat(out.results("j1")).isEmpty();
        assertThat(capacity.inFlight()).isZero();
    }

    @Test
    void shouldStopARunningJobWhenCanceledAndEndItCanceled() {
        HeldAdapter held = new HeldAdapter();
        JobLauncher launcher = launcher(held);
        CompletableFuture<Void> done = launcher.launch(
                        batch("w1", "sim-echo", chat("j1", "x"), chat("j2", "y")), () -> true)
                .orElseThrow();
        held.sinks.get("j1").token("j1", 0, "partial");

        launcher.cancel(List.of("j1"));

        assertThat(held.jobs.get("j1")).isCancelled();
        assertThat(launcher.runningJobIds()).containsExactly("j2");
        held.jobs.get("j2").complete(JobOutcome.failed("boom", "unrelated"));
        done.orTimeout(10, TimeUnit.SECONDS).join();
        Published out = Published.from(producer, TOPICS);
        assertThat(out.results("j1").getFirst().status()).isEqualTo(JobStatus.CANCELED);
        assertThat(out.events("j1"))
                .extracting(LifecycleEvent::type)
                .containsExactly(LifecycleType.STARTED, LifecycleType.CANCELED);
        assertThat(out.results("j2").getFirst().status()).isEqualTo(JobStatus.FAILED);
        assertThat(capacity.inFlight()).isZero();
    }

    @Test
    void shouldEndAJobCanceledBeforeItArrivedWithoutRunningIt() {
        HeldAdapter held = new HeldAdapter();
        JobLauncher launcher = launcher(held);

        launcher.cancel(List.of("j1"));
        run(launcher, batch("w1", "sim-echo", chat("j1", "x")));

        assertThat(held.jobs).isEmpty();
        Published out = Published.from(producer, TOPICS);
        assertThat(out.results("j1").getFirst().status()).isEqualTo(JobStatus.CANCELED);
        assertThat(out.results("j1").getFirst().error().code()).isEqualTo("canceled");
    }

    @Test
    void shouldChargeAPriceChangeToNewWorkOnly() {
        HeldAdapter held = new HeldAdapter();
        PriceBook prices = new PriceBook(PRICE);
        RunContext context =
                new RunContext("w1", prices, new Publisher(producer, TOPICS), clock, new WorkerMetrics(registry));
        JobLauncher launcher = new JobLauncher(Set.of("sim-echo"), capacity, held, context, listener);
        CompletableFuture<Void> old = launcher.launch(batch("w1", "sim-echo", chat("old", "x")), () -> true)
                .orElseThrow();

        prices.set(new Price(new BigDecimal("10.00"), new BigDecimal("20.00"), BigDecimal.ZERO, "USD"));
        CompletableFuture<Void> next = launcher.launch(batch("w1", "sim-echo", chat("new", "x")), () -> true)
                .orElseThrow();
        JobOutcome oneMillionEach =
                new JobOutcome.Succeeded(Jobs.json("{\"text\": \"x\"}"), new Usage(1_000_000, 1_000_000));
        held.jobs.get("old").complete(oneMillionEach);
        held.jobs.get("new").complete(oneMillionEach);
        old.orTimeout(10, TimeUnit.SECONDS).join();
        next.orTimeout(10, TimeUnit.SECONDS).join();

        Published out = Published.from(producer, TOPICS);
        assertThat(out.results("old").getFirst().cost().amount()).isEqualByComparingTo("3.00");
        assertThat(out.results("new").getFirst().cost().amount()).isEqualByComparingTo("30.00");
    }

    @Test
    void shouldChargeAModelItsOwnPriceWhenItHasOne() {
        PriceBook prices = new PriceBook(
                PRICE, Map.of("sim-echo", new Price(BigDecimal.ZERO, new BigDecimal("5.00"), BigDecimal.ZERO, "USD")));
        RunContext context =
                new RunContext("w1", prices, new Publisher(producer, TOPICS), clock, new WorkerMetrics(registry));
        HeldAdapter held = new HeldAdapter();
        CompletableFuture<Void> done = new JobLauncher(Set.of("sim-echo"), capacity, held, context, listener)
                .launch(batch("w1", "sim-echo", chat("j", "x")), () -> true)
                .orElseThrow();

        held.jobs.get("j").complete(new JobOutcome.Succeeded(Jobs.json("{}"), new Usage(1_000_000, 1_000_000)));
        done.orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(Published.from(producer, TOPICS)
                        .results("j")
                        .getFirst()
                        .cost()
                        .amount())
                .isEqualByComparingTo("5.00");
    }

    private SimulatedModelAdapter sim() {
        return new SimulatedModelAdapter(latency, scheduler, clock);
    }

    private JobLauncher launcher(ModelAdapter adapter) {
        RunContext context =
                new RunContext("w1", PRICE, new Publisher(producer, TOPICS), clock, new WorkerMetrics(registry));
        return new JobLauncher(Set.of("sim-echo"), capacity, adapter, context, listener);
    }

    private void run(JobLauncher launcher, DispatchBatch batch) {
        launcher.launch(batch, () -> true)
                .orElseThrow()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }
}
