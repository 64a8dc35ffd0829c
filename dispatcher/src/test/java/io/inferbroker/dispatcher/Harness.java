package io.inferbroker.dispatcher;

import io.inferbroker.dispatcher.internal.PollPacer;
import io.inferbroker.dispatcher.internal.ResultsHorizon;
import io.inferbroker.dispatcher.internal.StreamsProps;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.jspecify.annotations.Nullable;

/** The dispatcher topology in a {@link TopologyTestDriver} with its topics, on a controlled wall clock. */
final class Harness implements AutoCloseable {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final TopicNames TOPICS = new TopicNames("test.");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<String, JobRequested> requests;
    final TestInputTopic<String, JobResult> results;
    final TestInputTopic<String, ControlCommand> control;
    final TestInputTopic<String, WorkerStatus> workers;
    final TestOutputTopic<String, DispatchBatch> dispatched;
    final TestOutputTopic<String, LifecycleEvent> events;
    final TestOutputTopic<String, JobResult> outcomes;
    final TestOutputTopic<String, QueueStatus> queues;

    /** @param policy one policy for every model; null for each model's configured strategy */
    Harness(DispatcherConfig config, @Nullable RoutingPolicy policy, Path stateDir) {
        this(config, policy, stateDir, new PollPacer(Duration.ZERO));
    }

    /**
     * @param policy one policy for every model; null for each model's configured strategy
     * @param pacer told by the tasks (on the test's thread) when they next need their tick
     */
    Harness(DispatcherConfig config, @Nullable RoutingPolicy policy, Path stateDir, PollPacer pacer) {
        this(config, policy, stateDir, pacer, ResultsHorizon.NONE);
    }

    /**
     * @param policy one policy for every model; null for each model's configured strategy
     * @param pacer told by the tasks (on the test's thread) when they next need their tick
     * @param horizon how far the results partitions end, as the tasks ask before failing a worker over
     */
    Harness(
            DispatcherConfig config,
            @Nullable RoutingPolicy policy,
            Path stateDir,
            PollPacer pacer,
            ResultsHorizon horizon) {
        Properties caller = new Properties();
        caller.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        caller.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        DispatcherMetrics metrics = new DispatcherMetrics(registry);
        driver = new TopologyTestDriver(
                DispatcherTopology.build(config, policy, metrics, horizon, pacer), StreamsProps.of(config, caller), T0);
        StringSerializer keys = new StringSerializer();
        requests = driver.createInputTopic(TOPICS.requests(), keys, WireSerdes.JOB_REQUESTED);
        results = driver.createInputTopic(TOPICS.results(), keys, WireSerdes.JOB_RESULT);
        control = driver.createInputTopic(TOPICS.control(), keys, WireSerdes.CONTROL_COMMAND);
        workers = driver.createInputTopic(TOPICS.workers(), keys, WireSerdes.WORKER_STATUS);
        StringDeserializer keyReader = new StringDeserializer();
        dispatched = driver.createOutputTopic(TOPICS.dispatch(), keyReader, WireSerdes.DISPATCH_BATCH);
        events = driver.createOutputTopic(TOPICS.events(), keyReader, WireSerdes.LIFECYCLE_EVENT);
        outcomes = driver.createOutputTopic(TOPICS.results(), keyReader, WireSerdes.JOB_RESULT);
        queues = driver.createOutputTopic(TOPICS.queues(), keyReader, WireSerdes.QUEUE_STATUS);
    }

    static DispatcherConfig config() {
        return DispatcherConfig.defaults("dispatcher-test", TOPICS);
    }

    Instant now() {
        return T0.plusMillis(elapsedMillis);
    }

    private long elapsedMillis;

    void advance(Duration by) {
        elapsedMillis += by.toMillis();
        driver.advanceWallClockTime(by);
    }

    void submit(JobRequested job) {
        requests.pipeInput(job.jobId(), job);
    }

    void worker(WorkerStatus status) {
        workers.pipeInput(status.workerId(), status);
    }

    void result(JobResult result) {
        results.pipeInput(result.jobId(), result);
    }

    /** Every batch with jobs sent so far, as (worker, job ids). */
    List<Sent> sent() {
        return dispatched.readValuesToList().stream()
                .filter(b -> !b.jobs().isEmpty())
                .map(b -> new Sent(
                        b.workerId(),
                        b.model(),
                        b.jobs().stream().map(DispatchedJob::jobId).toList(),
                        b.jobs().stream().map(DispatchedJob::attempt).toList()))
                .toList();
    }

    record Sent(String worker, String model, List<String> jobs, List<Integer> attempts) {}

    @Override
    public void close() {
        driver.close();
    }
}
