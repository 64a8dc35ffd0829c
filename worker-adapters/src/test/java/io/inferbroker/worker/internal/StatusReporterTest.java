package io.inferbroker.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.testkit.MutableClock;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.TokenSink;
import io.inferbroker.worker.WorkerConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusReporterTest {
    private static final TopicNames TOPICS = new TopicNames("unit.");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final WorkerConfig config = new WorkerConfig(
            "w1", List.of("sim-echo"), 8, Price.free("USD"), Duration.ofHours(1), TOPICS, "1.2.3", Duration.ZERO);
    private final StatusReporter reporter = new StatusReporter(
            config,
            "sim",
            new Publisher(producer, TOPICS),
            new MutableClock(T0),
            inFlight::get,
            new ScheduledThreadPoolExecutor(1));

    @AfterEach
    void stop() {
        reporter.close();
    }

    @Test
    void shouldDescribeTheWorker() {
        inFlight.set(3);

        WorkerStatus status = reporter.snapshot();

        assertThat(status.workerId()).isEqualTo("w1");
        assertThat(status.adapter()).isEqualTo("sim");
        assertThat(status.models()).containsExactly("sim-echo");
        assertThat(status.state()).isEqualTo(WorkerState.ACTIVE);
        assertThat(status.capacity()).isEqualTo(8);
        assertThat(status.inFlight()).isEqualTo(3);
        assertThat(status.healthy()).isTrue();
        assertThat(status.version()).isEqualTo("1.2.3");
        assertThat(status.at()).isEqualTo(T0);
    }

    @Test
    void shouldAverageTimeToFirstTokenAndStreamingSpeedOfItsJobs() {
        reporter.finished(result(Duration.ofMillis(100), Duration.ofMillis(1_100), 11));
        assertThat(reporter.snapshot().ttftMs()).isCloseTo(100, within(1e-9));
        assertThat(reporter.snapshot().tokensPerSecond()).isCloseTo(10, within(1e-9));

        reporter.finished(result(Duration.ofMillis(200), Duration.ofMillis(700), 11));

        assertThat(reporter.snapshot().ttftMs()).isCloseTo(0.8 * 100 + 0.2 * 200, within(1e-9));
        assertThat(reporter.snapshot().tokensPerSecond()).isCloseTo(0.8 * 10 + 0.2 * 20, within(1e-9));
    }

    @Test
    void shouldCoalesceABurstOfChangesIntoFewPublications() {
        for (int i = 0; i < 100; i++) {
            inFlight.set(i);
            reporter.inFlightChanged();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> !producer.history().isEmpty());
        assertThat(producer.history().size()).isLessThan(10);
        int before = producer.history().size();

        reporter.inFlightChanged();

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() > before);
        assertThat(producer.history())
                .allMatch(r -> r.key().equals("w1") && r.topic().equals(TOPICS.workers()));
    }

    @Test
    void shouldPublishStateAndHealthChanges() {
        reporter.publish(WorkerState.DRAINING).join();
        reporter.unhealthy();

        List<WorkerStatus> published = Published.from(producer, TOPICS).statuses();
        assertThat(published.getFirst().state()).isEqualTo(WorkerState.DRAINING);
        assertThat(reporter.snapshot().healthy()).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        !Published.from(producer, TOPICS).statuses().getLast().healthy());
    }

    @Test
    void shouldPublishTheModelServersBackpressureAndHealthAsSoonAsTheyChange() {
        Upstream upstream = new Upstream();
        reporter.watch(upstream);
        assertThat(reporter.snapshot().backpressureUntil()).isNull();

        upstream.until = Optional.of(T0.plusSeconds(5));
        upstream.healthy = false;
        upstream.changed.run();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !Published.from(producer, TOPICS).statuses().isEmpty());
        WorkerStatus last = Published.from(producer, TOPICS).statuses().getLast();
        assertThat(last.backpressureUntil()).isEqualTo(T0.plusSeconds(5));
        assertThat(last.healthy()).isFalse();
    }

    @Test
    void shouldReportThePricesOfModelsChargedDifferently() {
        Price special = new Price(BigDecimal.ONE, BigDecimal.TEN, BigDecimal.ZERO, "USD");
        WorkerConfig priced = new WorkerConfig(
                "w2",
                List.of("sim-echo", "sim-big"),
                8,
                Price.free("USD"),
                Duration.ofHours(1),
                TOPICS,
                "1.2.3",
                Duration.ZERO,
                Map.of("sim-big", special));
        StatusReporter other = new StatusReporter(
                priced,
                "sim",
                new Publisher(producer, TOPICS),
                new MutableClock(T0),
                inFlight::get,
                new ScheduledThreadPoolExecutor(1));
        try {
            WorkerStatus status = other.snapshot();

            assertThat(status.priceOf("sim-big")).isEqualTo(special);
            assertThat(status.priceOf("sim-echo")).isEqualTo(Price.free("USD"));
            assertThat(reporter.snapshot().modelPrices()).isNull();
        } finally {
            other.close();
        }
    }

    /** A model server that says what the test sets. */
    private static final class Upstream implements ModelAdapter {
        volatile Optional<Instant> until = Optional.empty();
        volatile boolean healthy = true;
        volatile Runnable changed = () -> {};

        @Override
        public String kind() {
            return "test";
        }

        @Override
        public String description() {
            return "reports what the test sets";
        }

        @Override
        public boolean healthy() {
            return healthy;
        }

        @Override
        public Optional<Instant> backpressureUntil() {
            return until;
        }

        @Override
        public void onStatusChange(Runnable listener) {
            changed = listener;
        }

        @Override
        public List<CompletableFuture<JobOutcome>> run(String model, List<DispatchedJob> jobs, TokenSink sink) {
            return List.of();
        }

        @Override
        public void close() {}
    }

    private static JobResult result(Duration firstToken, Duration completed, int tokens) {
        return new JobResult(
                JobResult.VERSION,
                "j",
                "t",
                "sim-echo",
                JobStatus.SUCCEEDED,
                null,
                null,
                new Usage(1, tokens),
                null,
                "w1",
                1,
                new Timings(T0, T0, T0, T0.plus(firstToken), T0.plus(completed)));
    }
}
