package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.cancel;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher publishes each model's queue depth on the compacted queues topic as jobs queue and leave. */
class QueueStatusTopologyTest {
    private static final Instant T0 = Harness.T0;
    private static final String MODEL = "llama-3-8b";
    private static final String OTHER = "qwen-7b";
    private static final TopicNames TOPICS = Harness.TOPICS;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, JobRequested> requests;
    private TestInputTopic<String, ControlCommand> control;
    private TestInputTopic<String, WorkerStatus> workers;
    private TestOutputTopic<String, QueueStatus> queues;
    private Instant now = T0;

    @BeforeEach
    void start() {
        // Batches close only when full (4) or after a minute, so jobs stay queued until the test lets them go.
        DispatcherConfig config = DispatcherConfig.defaults("dispatcher-test", TOPICS)
                .withDefaultBatching(new ModelBatching(4, Duration.ofMinutes(1)));
        Harness h = new Harness(config, null, stateDir);
        driver = h.driver;
        requests = h.requests;
        control = h.control;
        workers = h.workers;
        queues = h.queues;
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldPublishDepthAndOldestJobKeyedByModelOnTheNextTick() {
        submit(MODEL, "j1", "j2");
        advance(Duration.ofMillis(10));
        submit(MODEL, "j3");
        submit(OTHER, "o1");

        advance(Duration.ofMillis(100));

        assertThat(queues.readKeyValuesToList())
                .containsExactly(
                        KeyValue.pair(MODEL, status(MODEL, 2, T0, T0.plusMillis(10), T0)),
                        KeyValue.pair(MODEL, status(MODEL, 3, T0, T0.plusMillis(110), T0.plusMillis(10))),
                        KeyValue.pair(
                                OTHER, status(OTHER, 1, T0.plusMillis(10), T0.plusMillis(110), T0.plusMillis(10))));
    }

    @Test
    void shouldSayUpToWhichAcceptanceTimeItHasReadTheModelsRequestsWhateverBecameOfThem() {
        requests.pipeInput("late", job("late", MODEL, 5, T0.plusSeconds(3), null));
        requests.pipeInput("early", job("early", MODEL, 5, T0.plusSeconds(1), null));
        requests.pipeInput("late", job("late", MODEL, 5, T0.plusSeconds(3), null)); // a duplicate
        requests.pipeInput("expired", job("expired", MODEL, 5, T0.plusSeconds(4), T0.minusSeconds(1)));
        advance(Duration.ofMillis(10));

        QueueStatus status = latest();
        assertThat(status.queued()).isEqualTo(2);
        assertThat(status.latestAcceptedAt()).isEqualTo(T0.plusSeconds(4));
    }

    @Test
    void shouldPublishLowerDepthAsJobsAreDispatchedCanceledAndEmptyQueueAsZero() {
        submit(MODEL, "j1", "j2", "j3", "j4", "j5", "j6");
        advance(Duration.ofMillis(10));
        assertThat(latest().queued()).isEqualTo(6);

        workers.pipeInput("w1", worker("w1", 4, 0, WorkerState.ACTIVE, true, T0, MODEL));
        advance(Duration.ofMillis(100));
        QueueStatus afterBatch = latest();
        assertThat(afterBatch.queued()).isEqualTo(2);
        assertThat(afterBatch.oldestQueuedAt()).isEqualTo(T0);

        control.pipeInput("j5", cancel("j5", TENANT, T0));
        control.pipeInput("j6", cancel("j6", TENANT, T0));
        advance(Duration.ofMillis(100));

        QueueStatus empty = latest();
        assertThat(empty.queued()).isZero();
        assertThat(empty.oldestQueuedAt()).isNull();
        assertThat(empty.at()).isEqualTo(T0.plusMillis(210));
    }

    @Test
    void shouldBoundTheRateOfChangesToOnePerModelPerTenthOfASecond() {
        submit(MODEL, "j1");
        advance(Duration.ofMillis(5));
        assertThat(latest().queued()).isEqualTo(1);

        for (int i = 2; i <= 3; i++) {
            submit(MODEL, "j" + i);
            advance(Duration.ofMillis(40));
            assertThat(queues.isEmpty())
                    .as("no status %d ms after the last", (i - 1) * 40)
                    .isTrue();
        }
        advance(Duration.ofMillis(20));

        assertThat(queues.readValuesToList())
                .singleElement()
                .satisfies(s -> assertThat(s.queued()).isEqualTo(3));
    }

    @Test
    void shouldRepeatAnUnchangedStatusEverySecond() {
        submit(MODEL, "j1");
        advance(Duration.ofMillis(5));
        queues.readValuesToList();

        advance(Duration.ofMillis(900));
        assertThat(queues.isEmpty()).isTrue();
        advance(Duration.ofMillis(100));
        advance(Duration.ofMillis(500));
        advance(Duration.ofMillis(500));

        List<QueueStatus> repeated = queues.readValuesToList();
        assertThat(repeated).extracting(QueueStatus::at).containsExactly(T0.plusMillis(1005), T0.plusMillis(2005));
        assertThat(repeated).extracting(QueueStatus::queued).containsOnly(1);
    }

    private void submit(String model, String... jobIds) {
        for (String id : jobIds) {
            requests.pipeInput(id, job(id, model, 5, now, null));
        }
    }

    private void advance(Duration by) {
        now = now.plus(by);
        driver.advanceWallClockTime(by);
    }

    private QueueStatus latest() {
        List<QueueStatus> all = queues.readValuesToList();
        assertThat(all).isNotEmpty();
        return all.getLast();
    }

    private static QueueStatus status(String model, int queued, Instant oldest, Instant at, Instant latestAccepted) {
        return new QueueStatus(QueueStatus.VERSION, model, queued, oldest, at, null, latestAccepted);
    }
}
