package io.inferbroker.bench.dispatch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.DispatcherTopology;
import io.inferbroker.dispatcher.RoutingPolicy;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.jspecify.annotations.Nullable;

/**
 * One simulated run: Poisson arrivals at a fixed rate into the real dispatcher topology (in
 * {@link TopologyTestDriver}, state in RocksDB, wall clock advanced 1 ms at a time), batches handed
 * to {@link SimGpu}s, their results and status reports fed back. Measures after a warm-up.
 */
final class FleetRun {
    static final String MODEL = "llama-1.1b";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final TopicNames TOPICS = new TopicNames("bench.");
    private static final long STATUS_EVERY_MS = 500;

    /** What one run measured over its window. */
    record Stats(
            double jobsPerSecond,
            double p50WaitMs,
            double p99WaitMs,
            double p99DispatchMs,
            double occupancy,
            double costPer1k,
            double deadlineMet,
            double meanBatch) {}

    private record Job(long arrivalMs, @Nullable Long deadlineMs) {}

    private final Map<String, Job> jobs = new HashMap<>();
    private final Map<String, Double> startedAt = new HashMap<>();
    private final List<Double> waits = new ArrayList<>();
    private final List<Double> dispatchDelays = new ArrayList<>();
    private final Map<String, SimGpu> gpus = new HashMap<>();
    private final Map<String, Integer> reported = new HashMap<>();
    private long nowMs;
    private long warmupMs;
    private int completed;
    private int met;
    private int ended;
    private double cost;
    private long batches;
    private long batchedJobs;
    private TestInputTopic<String, JobResult> results;

    /**
     * @param policy one routing policy for the model; null for its configured strategy
     * @param deadlineMs each job's deadline after acceptance; null for none
     */
    Stats run(
            DispatcherConfig config,
            @Nullable RoutingPolicy policy,
            List<SimGpu> fleet,
            double ratePerSecond,
            Duration warmup,
            Duration measured,
            @Nullable Long deadlineMs,
            long seed) {
        fleet.forEach(g -> gpus.put(g.id, g));
        warmupMs = warmup.toMillis();
        long endMs = warmupMs + measured.toMillis();
        Path state = tempDir();
        try (TopologyTestDriver driver = driver(config, policy, state)) {
            StringSerializer keys = new StringSerializer();
            TestInputTopic<String, JobRequested> requests =
                    driver.createInputTopic(TOPICS.requests(), keys, WireSerdes.JOB_REQUESTED);
            results = driver.createInputTopic(TOPICS.results(), keys, WireSerdes.JOB_RESULT);
            TestInputTopic<String, WorkerStatus> workers =
                    driver.createInputTopic(TOPICS.workers(), keys, WireSerdes.WORKER_STATUS);
            StringDeserializer reader = new StringDeserializer();
            TestOutputTopic<String, DispatchBatch> dispatch =
                    driver.createOutputTopic(TOPICS.dispatch(), reader, WireSerdes.DISPATCH_BATCH);
            List<TestOutputTopic<String, ?>> drained = List.of(
                    driver.createOutputTopic(TOPICS.events(), reader, WireSerdes.LIFECYCLE_EVENT),
                    driver.createOutputTopic(TOPICS.queues(), reader, WireSerdes.QUEUE_STATUS));
            TestOutputTopic<String, JobResult> outcomes =
                    driver.createOutputTopic(TOPICS.results(), reader, WireSerdes.JOB_RESULT);
            Random random = new Random(seed);
            double nextArrival = 0;
            int n = 0;
            for (nowMs = 0; nowMs < endMs; nowMs++) {
                for (SimGpu g : fleet) {
                    // Like real workers: every STATUS_EVERY_MS and on every change of load.
                    if (nowMs % STATUS_EVERY_MS == 0 || g.inFlight() != reported.getOrDefault(g.id, -1)) {
                        reported.put(g.id, g.inFlight());
                        workers.pipeInput(g.id, status(g));
                    }
                }
                while (nextArrival <= nowMs) {
                    String id = "j" + n++;
                    Long deadline = deadlineMs == null ? null : nowMs + deadlineMs;
                    jobs.put(id, new Job(nowMs, deadline));
                    requests.pipeInput(id, request(id, deadline));
                    nextArrival += -Math.log(1 - random.nextDouble()) * 1000.0 / ratePerSecond;
                }
                for (SimGpu g : fleet) {
                    g.advanceTo(nowMs, this::started, (id, at) -> finished(g, id, at));
                }
                driver.advanceWallClockTime(Duration.ofMillis(1));
                for (DispatchBatch b : dispatch.readValuesToList()) {
                    accept(b);
                }
                if (nowMs % 1000 == 0) {
                    drained.forEach(TestOutputTopic::readValuesToList);
                    outcomes.readValuesToList().forEach(this::expired);
                }
                if (nowMs == warmupMs) {
                    snapshot.putAll(occupancy());
                }
            }
            return stats(measured);
        } finally {
            delete(state);
        }
    }

    private final Map<String, Double> snapshot = new HashMap<>();

    private Map<String, Double> occupancy() {
        Map<String, Double> m = new HashMap<>();
        gpus.values().forEach(g -> m.put(g.id, g.sequenceMs()));
        return m;
    }

    private void accept(DispatchBatch b) {
        if (b.jobs().isEmpty()) {
            return;
        }
        List<String> ids = b.jobs().stream().map(DispatchedJob::jobId).toList();
        if (nowMs >= warmupMs) {
            batches++;
            batchedJobs += ids.size();
            ids.forEach(id -> dispatchDelays.add((double) (nowMs - jobs.get(id).arrivalMs())));
        }
        gpus.get(b.workerId()).accept(ids, nowMs, this::started);
    }

    private void started(String jobId, double atMs) {
        startedAt.put(jobId, atMs);
        if (atMs >= warmupMs) {
            waits.add(atMs - jobs.get(jobId).arrivalMs());
        }
    }

    private void finished(SimGpu gpu, String jobId, double atMs) {
        Job job = jobs.get(jobId);
        if (atMs >= warmupMs) {
            completed++;
            ended++;
            perGpu.merge(gpu.id, 1, Integer::sum);
            cost += gpu.pricePerJob;
            if (job.deadlineMs() == null || atMs <= job.deadlineMs()) {
                met++;
            }
        }
        Instant at = T0.plusMillis((long) atMs);
        results.pipeInput(
                jobId,
                new JobResult(
                        JobResult.VERSION,
                        jobId,
                        "bench",
                        MODEL,
                        JobStatus.SUCCEEDED,
                        null,
                        null,
                        null,
                        new Cost(BigDecimal.valueOf(gpu.pricePerJob), "USD"),
                        gpu.id,
                        1,
                        new Timings(T0.plusMillis(job.arrivalMs()), at, at, at, at)));
    }

    private void expired(JobResult r) {
        if (r.status() == JobStatus.EXPIRED && nowMs >= warmupMs) {
            ended++;
        }
    }

    private final Map<String, Integer> perGpu = new HashMap<>();

    /** Jobs each GPU completed in the measured window, and its mean running sequences. */
    Map<String, String> completedPerGpu() {
        Map<String, String> out = new java.util.TreeMap<>();
        perGpu.forEach((id, n) -> out.put(
                id,
                n + " jobs, "
                        + Math.round((gpus.get(id).sequenceMs() - snapshot.getOrDefault(id, 0.0)) / (nowMs - warmupMs))
                        + " running"));
        return out;
    }

    private Stats stats(Duration measured) {
        double seconds = measured.toMillis() / 1000.0;
        double seqMs = 0;
        int capacity = 0;
        for (SimGpu g : gpus.values()) {
            seqMs += g.sequenceMs() - snapshot.getOrDefault(g.id, 0.0);
            capacity += g.capacity;
        }
        return new Stats(
                completed / seconds,
                percentile(waits, 0.50),
                percentile(waits, 0.99),
                percentile(dispatchDelays, 0.99),
                seqMs / (measured.toMillis() * (double) capacity),
                completed == 0 ? 0 : cost / completed * 1000,
                ended == 0 ? 1 : met / (double) ended,
                batches == 0 ? 0 : batchedJobs / (double) batches);
    }

    static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private WorkerStatus status(SimGpu g) {
        return new WorkerStatus(
                WorkerStatus.VERSION,
                g.id,
                "sim",
                List.of(MODEL),
                WorkerState.ACTIVE,
                g.capacity,
                g.inFlight(),
                true,
                g.ttftMs(),
                g.tokensPerSecondPerSequence(),
                new Price(
                        BigDecimal.ZERO,
                        BigDecimal.valueOf(g.pricePerJob * 1e6 / SimGpu.NEW_TOKENS),
                        BigDecimal.ZERO,
                        "USD"),
                "bench",
                T0.plusMillis(nowMs));
    }

    private JobRequested request(String id, @Nullable Long deadlineMs) {
        Instant now = T0.plusMillis(nowMs);
        return new JobRequested(
                JobRequested.VERSION,
                id,
                "bench",
                "key",
                MODEL,
                JobKind.COMPLETION,
                JsonNodeFactory.instance.objectNode().put("prompt", "x").put("max_tokens", SimGpu.NEW_TOKENS),
                5,
                deadlineMs == null ? null : T0.plusMillis(deadlineMs),
                null,
                Map.of(),
                null,
                null,
                now);
    }

    private static TopologyTestDriver driver(DispatcherConfig config, @Nullable RoutingPolicy policy, Path state) {
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        DispatcherMetrics metrics = DispatcherMetrics.noop();
        return new TopologyTestDriver(
                policy == null
                        ? DispatcherTopology.build(config, metrics)
                        : DispatcherTopology.build(config, policy, metrics),
                DispatcherTopology.streamsProperties(config, props),
                T0);
    }

    static DispatcherConfig config() {
        return DispatcherConfig.defaults("batching-bench", TOPICS);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("batching-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
