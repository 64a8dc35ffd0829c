package io.inferbroker.bench;

import io.inferbroker.launcher.BrokerConfig;
import io.inferbroker.launcher.BrokerProcess;
import io.inferbroker.launcher.ConfigLoader;
import io.inferbroker.launcher.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Broker overhead on the synchronous OpenAI-compatible path: {@code POST /v1/chat/completions} at a
 * fixed arrival rate (open loop; latency counted from the intended send time, so a stall is not
 * hidden) against a whole broker ({@code serve} roles on embedded Kafka and PostgreSQL) whose
 * simulated model answers in microseconds. End to end minus model time is the broker's overhead:
 * ingress, Kafka hops, dispatcher (batch delay 1 ms), worker, result fan-out.
 *
 * <p>With {@code --concurrency N} the load is a closed loop instead: N clients, each sending its next
 * request as soon as the last is answered, which measures the requests per second the path sustains
 * and the latency at that concurrency.
 */
@Command(name = "sync-bench", mixinStandardHelpOptions = true)
public final class SyncBench implements Callable<Integer> {
    private static final String BODY =
            "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}";

    private static final int SAMPLE_EVERY = 20;

    @Option(names = "--rate", description = "requests per second (default ${DEFAULT-VALUE})")
    int rate = 500;

    @Option(names = "--warmup", description = "warm-up seconds (default ${DEFAULT-VALUE})")
    int warmup = 5;

    @Option(names = "--duration", description = "measured seconds per run (default ${DEFAULT-VALUE})")
    int duration = 20;

    @Option(names = "--runs", description = "measured runs (default ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(
            names = "--concurrency",
            description = "closed loop: this many clients, each sending its next request as soon as the last is"
                    + " answered (replaces --rate)")
    @Nullable
    Integer concurrency;

    @Option(
            names = "--max-queue-delay-ms",
            description = "the model's batching delay; 0 dispatches each job on arrival (default ${DEFAULT-VALUE})")
    int maxQueueDelayMs = 1;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SyncBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("sync-bench-");
        Path config = Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: sim-echo
                    max_batch_size: 64
                    max_queue_delay_ms: %d
                workers:
                  - id: sim-1
                    models: [sim-echo]
                    capacity: 256
                    time_scale: 0.000001
                """.formatted(maxQueueDelayMs));
        BrokerConfig cfg = ConfigLoader.load(
                Map.of("port", "0", "data_dir", dir.resolve("data").toString()),
                Map.of("BROKER_ADMIN_KEY", BenchBroker.ADMIN_KEY),
                Optional.of(config));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (BrokerProcess broker = BrokerProcess.start(cfg, Role.all(), quiet)) {
            String base = "http://127.0.0.1:" + broker.port();
            String key = BenchBroker.apiKey(base);
            BenchBroker.awaitReady(base);
            HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(512);
            client.start();
            try {
                measure(client, base, key, warmup, "warm-up");
                for (int i = 0; i < runs; i++) {
                    var hop = KafkaRoundTrip.measure(broker.bootstrapServers(), 1000);
                    System.out.printf(
                            "baseline one Kafka hop (produce -> consume, one at a time): p50 %.2f ms  p99 %.2f ms%n",
                            hop.getValueAtPercentile(50) / 1000.0, hop.getValueAtPercentile(99) / 1000.0);
                    DispatcherFigures.Times before = DispatcherFigures.Times.of(broker.registry());
                    measure(client, base, key, duration, "run " + (i + 1));
                    DispatcherFigures.Times.of(broker.registry()).since(before).print();
                    DispatcherFigures.printStreamThread(broker.registry());
                }
            } finally {
                client.stop();
            }
        }
        return 0;
    }

    private void measure(HttpClient client, String base, String key, int seconds, String name) throws Exception {
        if (concurrency == null) {
            openLoop(client, base, key, seconds, name);
        } else {
            closedLoop(concurrency, base, key, seconds, name);
        }
    }

    /**
     * {@code clients} requests always in flight for {@code seconds}; counts the answers that arrive
     * within that time, and their latency from send to answer.
     */
    private void closedLoop(int clients, String base, String key, int seconds, String name) throws Exception {
        Recorder recorder = new Recorder(3);
        StageSampler stages = new StageSampler(SAMPLE_EVERY);
        LongAdder failed = new LongAdder();
        URI uri = URI.create(base + "/v1/chat/completions");
        Histogram h;
        long failures;
        double elapsed;
        try (ClosedLoop loop = new ClosedLoop(
                clients,
                c -> c.newRequest(uri)
                        .method(HttpMethod.POST)
                        .headers(hs -> hs.put("Authorization", "Bearer " + key))
                        .body(new StringRequestContent("application/json", BODY))
                        .timeout(30, TimeUnit.SECONDS),
                (status, response, nanos) -> {
                    if (status == 200 && response != null) {
                        recorder.recordValue(nanos / 1000);
                        stages.sample(response.getHeaders().get("x-job-id"), Instant.now());
                    } else {
                        failed.increment();
                    }
                })) {
            long start = System.nanoTime();
            loop.start();
            new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
            h = recorder.getIntervalHistogram();
            failures = failed.sum();
            elapsed = (System.nanoTime() - start) / 1e9;
            loop.stop();
        }
        System.out.printf(
                "%-8s %d req in %.1f s at concurrency %d: %.0f req/s  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms"
                        + "  max %.2f ms  failed %d%n",
                name,
                h.getTotalCount(),
                elapsed,
                clients,
                h.getTotalCount() / elapsed,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                failures);
        stages.report(base, key);
    }

    private void openLoop(HttpClient client, String base, String key, int seconds, String name)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        StageSampler stages = new StageSampler(SAMPLE_EVERY);
        AtomicLong failed = new AtomicLong();
        long total = (long) rate * seconds;
        CountDownLatch done = new CountDownLatch((int) total);
        long periodNanos = 1_000_000_000L / rate;
        long t0 = System.nanoTime();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        AtomicLong sent = new AtomicLong();
        ticker.scheduleAtFixedRate(
                () -> {
                    long due = (System.nanoTime() - t0) / periodNanos + 1;
                    while (sent.get() < Math.min(due, total)) {
                        long intended = t0 + sent.getAndIncrement() * periodNanos;
                        client.newRequest(URI.create(base + "/v1/chat/completions"))
                                .method(HttpMethod.POST)
                                .headers(h -> h.put("Authorization", "Bearer " + key))
                                .body(new StringRequestContent("application/json", BODY))
                                .timeout(30, TimeUnit.SECONDS)
                                .send(result -> {
                                    if (result.isSucceeded()
                                            && result.getResponse().getStatus() == 200) {
                                        recorder.recordValue((System.nanoTime() - intended) / 1000);
                                        stages.sample(
                                                result.getResponse()
                                                        .getHeaders()
                                                        .get("x-job-id"),
                                                Instant.now());
                                    } else {
                                        failed.incrementAndGet();
                                    }
                                    done.countDown();
                                });
                    }
                },
                0,
                1,
                TimeUnit.MILLISECONDS);
        done.await(seconds + 60L, TimeUnit.SECONDS);
        ticker.shutdownNow();
        var h = recorder.getIntervalHistogram();
        System.out.printf(
                "%-8s %d req at %d/s: p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  failed %d%n",
                name,
                h.getTotalCount(),
                rate,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0,
                failed.get());
        stages.report(base, key);
    }
}
