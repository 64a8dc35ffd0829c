package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.result;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.internal.PollPacer;
import io.inferbroker.dispatcher.internal.ResultsHorizon;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology as Kafka Streams runs it tells the dispatch processor where each result it reads sits
 * on the results topic: a task that judged a worker sends its jobs again as soon as it has read up to
 * the end the cluster gave, not after the wait's limit.
 */
class ResultsHorizonTopologyTest {
    private static final Instant T0 = Harness.T0;
    private static final String MODEL = "llama";

    @Test
    void shouldFailAWorkerOverOnceTheResultsUpToTheEndWereReadThroughTheTopology(@TempDir Path stateDir) {
        DispatcherConfig config = Harness.config()
                .withModel(MODEL, new ModelBatching(1, Duration.ofMillis(20)))
                .withWorkerLease(Duration.ofSeconds(1));
        // The results partition ends after two records (offsets 0 and 1); nothing was committed.
        ResultsHorizon horizon = partition -> CompletableFuture.completedFuture(new ResultsHorizon.Marks(0, 2));
        try (Harness h =
                new Harness(config, new LeastLoadedPolicy(), stateDir, new PollPacer(Duration.ZERO), horizon)) {
            TopologyTestDriver driver = h.driver;
            TestInputTopic<String, JobRequested> requests = h.requests;
            TestInputTopic<String, JobResult> results = h.results;
            TestInputTopic<String, WorkerStatus> workers = h.workers;
            TestOutputTopic<String, DispatchBatch> dispatched = h.dispatched;
            workers.pipeInput("w1", worker("w1", 1, 0, WorkerState.ACTIVE, true, T0, MODEL));
            workers.pipeInput("w2", worker("w2", 1, 0, WorkerState.ACTIVE, true, T0, MODEL));
            requests.pipeInput("j1", job("j1", MODEL, 5, T0, null));
            requests.pipeInput("j2", job("j2", MODEL, 5, T0, null));
            assertThat(jobs(dispatched)).hasSize(2);
            String lostWorker = "w1";

            workers.pipeInput(lostWorker, worker(lostWorker, 1, 0, WorkerState.GONE, true, T0, MODEL));
            workers.pipeInput("w3", worker("w3", 1, 0, WorkerState.ACTIVE, true, T0, MODEL));
            driver.advanceWallClockTime(Duration.ofMillis(200));
            assertThat(jobs(dispatched)).as("no result read yet").isEmpty();
            results.pipeInput("x", result("x", TENANT, MODEL, JobStatus.SUCCEEDED, "w9", 1, null, T0));
            results.pipeInput("y", result("y", TENANT, MODEL, JobStatus.SUCCEEDED, "w9", 1, null, T0));
            driver.advanceWallClockTime(Duration.ofMillis(200));

            assertThat(jobs(dispatched))
                    .as("both results read: the lost worker's job is sent again at once")
                    .singleElement()
                    .satisfies(j -> assertThat(j.attempt()).isEqualTo(2));
        }
    }

    private static List<DispatchedJob> jobs(TestOutputTopic<String, DispatchBatch> dispatched) {
        return dispatched.readValuesToList().stream()
                .flatMap(b -> b.jobs().stream())
                .toList();
    }
}
