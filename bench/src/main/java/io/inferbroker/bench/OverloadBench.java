package io.inferbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the broker does when offered more work than its fleet can do: a whole broker ({@code serve}
 * roles on embedded Kafka and PostgreSQL, in this JVM) with a simulated fleet of known size, whose
 * model has a queue limit ({@code max_queued}). First the fleet's capacity is measured (completed
 * jobs per second with more jobs outstanding than the fleet has slots, closed loop); then each run
 * offers, open loop at fixed arrival rates, {@code --low} times that capacity (the baseline),
 * {@code --high} times it (overload), and {@code --low} again (recovery).
 *
 * <p>Per phase: offered and admitted rate, answers by status (every 429 and 503 checked for
 * {@code Retry-After}), 5xx and connection errors, latency of admitted jobs from acceptance to
 * terminal (the job's own {@code created_at} and {@code completed_at}, returned by {@code Prefer:
 * wait}), heap used (sampled every 100 ms) and heap after each GC (from the GC notifications), and
 * the model's queue depth as admission sees it. Recovery time: from the drop in load to the end of
 * the last second (by send time) in which a request was shed or the p99 of admitted jobs exceeded
 * twice the baseline's.
 */
@Command(name = "overload-bench", mixinStandardHelpOptions = true)
public final class OverloadBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--runs", description = "measured runs (default ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(names = "--workers", description = "simulated workers (default ${DEFAULT-VALUE})")
    int workers = 2;

    @Option(names = "--worker-capacity", description = "concurrent jobs per worker (default ${DEFAULT-VALUE})")
    int workerCapacity = 16;

    @Option(names = "--time-scale", description = "the simulator's time scale (default ${DEFAULT-VALUE})")
    double timeScale = 3.0;

    @Option(names = "--max-tokens", description = "tokens each job generates (default ${DEFAULT-VALUE})")
    int maxTokens = 16;

    @Option(names = "--max-queued", description = "the model's queue limit (default ${DEFAULT-VALUE})")
    int maxQueued = 32;

    @Option(
            names = "--capacity",
            description = "jobs/s the fleet completes; 0 measures it first (default ${DEFAULT-VALUE})")
    double capacity;

    @Option(names = "--warmup", description = "seconds of closed-loop warm-up (default ${DEFAULT-VALUE})")
    int warmup = 20;

    @Option(names = "--probe", description = "seconds of the capacity measurement (default ${DEFAULT-VALUE})")
    int probe = 20;

    @Option(names = "--low", description = "baseline and recovery load, times capacity (default ${DEFAULT-VALUE})")
    double low = 0.5;

    @Option(names = "--high", description = "overload, times capacity (default ${DEFAULT-VALUE})")
    double high = 3.0;

    @Option(names = "--baseline", description = "seconds at the low load before overload (default ${DEFAULT-VALUE})")
    int baseline = 20;

    @Option(names = "--overload", description = "seconds of overload (default ${DEFAULT-VALUE})")
    int overload = 30;

    @Option(names = "--recovery", description = "seconds at the low load after overload (default ${DEFAULT-VALUE})")
    int recovery = 30;

    @Option(
            names = "--endpoint",
            description = "jobs (POST /v1/jobs with Prefer: wait) or chat (POST /v1/chat/completions)"
                    + " (default ${DEFAULT-VALUE})")
    String endpoint = "jobs";

    public static void main(String[] args) {
        System.exit(new CommandLine(new OverloadBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("overload-bench-");
        Path config = writeConfig(dir);
        BrokerConfig cfg = ConfigLoader.load(
                Map.of("port", "0", "data_dir", dir.resolve("data").toString()),
                Map.of("BROKER_ADMIN_KEY", BenchBroker.ADMIN_KEY),
                Optional.of(config));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        HeapWatch heap = HeapWatch.start();
        try (BrokerProcess broker = BrokerProcess.start(cfg, Role.all(), quiet)) {
            String base = "http://127.0.0.1:" + broker.port();
            String key = BenchBroker.apiKey(base);
            BenchBroker.awaitReady(base);
            HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(4096);
            client.setMaxRequestsQueuedPerDestination(1 << 20);
            client.setIdleTimeout(120_000);
            client.start();
            try {
                Target target = new Target(base, key, endpoint, maxTokens);
                int outstanding = workers * workerCapacity + maxQueued / 2;
                closedLoop(client, target, outstanding, warmup);
                double measured = closedLoop(client, target, outstanding, probe);
                System.out.printf(
                        Locale.ROOT,
                        "fleet: %d x %d slots, llama-1.1b at time scale %s, %d tokens per job, max_queued %d%n"
                                + "capacity: %.1f jobs/s completed with %d outstanding (closed loop, %d s)%n",
                        workers,
                        workerCapacity,
                        timeScale,
                        maxTokens,
                        maxQueued,
                        measured,
                        outstanding,
                        probe);
                double cap = capacity > 0 ? capacity : measured;
                if (capacity > 0) {
                    System.out.printf(Locale.ROOT, "offered rates from --capacity %.1f jobs/s%n", cap);
                }
                var registry = broker.registry();
                Gauge arrivals = () -> registry.find("broker.dispatcher.arrival.delay").timers().stream()
                        .mapToDouble(t -> t.count())
                        .sum();
                Gauge arrivalNanos = () -> registry.find("broker.dispatcher.arrival.delay").timers().stream()
                        .mapToDouble(t -> t.totalTime(TimeUnit.NANOSECONDS))
                        .sum();
                Gauge depth = () -> broker.registry().find("broker.ingress.queue.depth").gauges().stream()
                        .mapToDouble(g -> g.value())
                        .filter(Double::isFinite)
                        .max()
                        .orElse(Double.NaN);
                List<RunFigures> all = new ArrayList<>();
                for (int i = 1; i <= runs; i++) {
                    List<Phase> phases = List.of(
                            new Phase("baseline", low * cap, baseline),
                            new Phase("overload", high * cap, overload),
                            new Phase("recovery", low * cap, recovery));
                    RunFigures figures =
                            openLoop(client, target, phases, heap, new Gauge[] {depth, arrivals, arrivalNanos});
                    figures.print("run " + i);
                    all.add(figures);
                }
                RunFigures.printMedians(all);
            } finally {
                client.stop();
            }
        } finally {
            heap.close();
        }
        return 0;
    }

    /** One simulated model with a queue limit, served by {@code --workers} simulated workers. */
    private Path writeConfig(Path dir) throws java.io.IOException {
        StringBuilder fleet = new StringBuilder();
        for (int i = 1; i <= workers; i++) {
            fleet.append("""
                      - id: sim-%d
                        models: [sim-echo]
                        capacity: %d
                        profile: llama-1.1b
                        time_scale: %s
                    """.formatted(i, workerCapacity, timeScale));
        }
        return Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: sim-echo
                    max_batch_size: 16
                    max_queue_delay_ms: 5
                    max_queued: %d
                    routing: least-loaded
                workers:
                %s""".formatted(maxQueued, fleet));
    }

    /** Where the requests go and what they carry. */
    private record Target(String base, String key, String endpoint, int maxTokens) {
        Request request(HttpClient client) {
            boolean chat = endpoint.equals("chat");
            // The simulator echoes the prompt's words, up to max_tokens: one word per token wanted.
            String prompt = String.join(" ", java.util.Collections.nCopies(maxTokens, "overload"));
            String body = chat
                    ? "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],"
                            + "\"max_tokens\":" + maxTokens + "}"
                    : "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"" + prompt + "\",\"max_tokens\":" + maxTokens
                            + "}}";
            Request r = client.newRequest(URI.create(base + (chat ? "/v1/chat/completions" : "/v1/jobs")))
                    .method(HttpMethod.POST)
                    .headers(h -> h.put("Authorization", "Bearer " + key))
                    .body(new StringRequestContent("application/json", body))
                    .timeout(120, TimeUnit.SECONDS);
            if (!chat) {
                r.headers(h -> h.put("Prefer", "wait=100"));
            }
            return r;
        }
    }

    /** One answer. */
    private record Outcome(
            int phase,
            long sentNanos,
            int status,
            @Nullable String failure,
            @Nullable String retryAfter,
            long responseMicros,
            long terminalMicros) {

        boolean admitted() {
            return status == 200 || status == 202;
        }

        boolean shed() {
            return status == 429 || status == 503;
        }
    }

    private static void send(HttpClient client, Target target, int phase, long intended, Consumer<Outcome> done) {
        target.request(client).send(new BufferingResponseListener(64 * 1024) {
            @Override
            public void onComplete(Result result) {
                long micros = (System.nanoTime() - intended) / 1000;
                if (result.isFailed() && result.getResponse() == null) {
                    done.accept(new Outcome(phase, intended, -1, failure(result), null, micros, -1));
                    return;
                }
                int status = result.getResponse().getStatus();
                String retryAfter = result.getResponse().getHeaders().get("Retry-After");
                long terminal = status == 200 ? terminalMicros(getContentAsString()) : -1;
                done.accept(new Outcome(
                        phase,
                        intended,
                        status,
                        result.isFailed() ? failure(result) : null,
                        retryAfter,
                        micros,
                        terminal));
            }
        });
    }

    private static String failure(Result result) {
        Throwable t = result.getFailure();
        return t == null ? "unknown" : t.getClass().getSimpleName();
    }

    /** Acceptance to terminal, from the finished job's own stamps; -1 when it has none (the chat answer). */
    private static long terminalMicros(String body) {
        try {
            JsonNode job = JSON.readTree(body);
            JsonNode created = job.get("created_at");
            JsonNode completed = job.get("completed_at");
            if (created == null || completed == null || completed.isNull()) {
                return -1;
            }
            return Duration.between(Instant.parse(created.asText()), Instant.parse(completed.asText()))
                            .toNanos()
                    / 1000;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Keeps {@code outstanding} requests in flight for {@code seconds}; returns the jobs completed
     * (200) per second.
     */
    private static double closedLoop(HttpClient client, Target target, int outstanding, int seconds)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong completed = new AtomicLong();
        CountDownLatch stopped = new CountDownLatch(outstanding);
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < outstanding; i++) {
            loop(client, target, stop, completed, end, stopped);
        }
        new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
        stop.set(true);
        long counted = completed.get();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stopped.await(120, TimeUnit.SECONDS);
        return counted / elapsed;
    }

    private static void loop(
            HttpClient client,
            Target target,
            AtomicBoolean stop,
            AtomicLong completed,
            long end,
            CountDownLatch stopped) {
        if (stop.get()) {
            stopped.countDown();
            return;
        }
        send(client, target, 0, System.nanoTime(), o -> {
            if (o.status() == 200 && System.nanoTime() <= end) {
                completed.incrementAndGet();
            }
            loop(client, target, stop, completed, end, stopped);
        });
    }

    /** A period at one arrival rate. */
    private record Phase(String name, double rate, int seconds) {}

    @FunctionalInterface
    private interface Gauge {
        double value();
    }

    /** Sends every phase's requests at their intended times, waits for every answer, and sums up. */
    private static RunFigures openLoop(
            HttpClient client, Target target, List<Phase> phases, HeapWatch heap, Gauge[] gauges)
            throws InterruptedException {
        List<long[]> schedule = new ArrayList<>(); // {intended offset nanos, phase}
        long[] phaseStart = new long[phases.size() + 1];
        long offset = 0;
        for (int p = 0; p < phases.size(); p++) {
            Phase phase = phases.get(p);
            phaseStart[p] = offset;
            long count = Math.round(phase.rate() * phase.seconds());
            double period = 1e9 / phase.rate();
            for (long i = 0; i < count; i++) {
                schedule.add(new long[] {offset + Math.round(i * period), p});
            }
            offset += TimeUnit.SECONDS.toNanos(phase.seconds());
        }
        phaseStart[phases.size()] = offset;
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        CountDownLatch answered = new CountDownLatch(schedule.size());
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        heap.reset(t0);
        List<double[]> depths = new ArrayList<>(); // {offset nanos, depth, arrivals, arrival nanos}
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(
                () -> {
                    long now = System.nanoTime();
                    while (next.get() < schedule.size() && t0 + schedule.get(next.get())[0] <= now) {
                        long[] s = schedule.get(next.getAndIncrement());
                        send(client, target, (int) s[1], t0 + s[0], o -> {
                            outcomes.add(o);
                            answered.countDown();
                        });
                    }
                },
                0,
                1,
                TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(
                () -> {
                    synchronized (depths) {
                        depths.add(new double[] {
                            System.nanoTime() - t0, gauges[0].value(), gauges[1].value(), gauges[2].value()
                        });
                    }
                },
                0,
                100,
                TimeUnit.MILLISECONDS);
        boolean all = answered.await(offset / 1_000_000_000L + 150, TimeUnit.SECONDS);
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        if (!all) {
            System.out.printf("  %d requests never answered%n", answered.getCount());
        }
        List<PhaseFigures> figures = new ArrayList<>();
        for (int p = 0; p < phases.size(); p++) {
            int index = p;
            List<Outcome> mine =
                    outcomes.stream().filter(o -> o.phase() == index).toList();
            List<double[]> samples;
            synchronized (depths) {
                samples = depths.stream()
                        .filter(d -> d[0] >= phaseStart[index] && d[0] < phaseStart[index + 1])
                        .toList();
            }
            figures.add(PhaseFigures.of(
                    phases.get(p), mine, heap.window(t0 + phaseStart[p], t0 + phaseStart[p + 1]), samples));
        }
        long dropAt = t0 + phaseStart[phases.size() - 1];
        double threshold = 2 * figures.getFirst().terminal().getValueAtPercentile(99);
        List<Outcome> after =
                outcomes.stream().filter(o -> o.phase() == phases.size() - 1).toList();
        return new RunFigures(figures, recoverySeconds(after, dropAt, threshold), threshold / 1000.0);
    }

    /**
     * Seconds from the drop in load to the end of the last second (by intended send time) in which
     * a request was shed, failed, or the p99 of admitted jobs exceeded {@code thresholdMicros}.
     */
    private static double recoverySeconds(List<Outcome> after, long dropAt, double thresholdMicros) {
        Map<Long, List<Outcome>> bySecond = new TreeMap<>();
        for (Outcome o : after) {
            bySecond.computeIfAbsent((o.sentNanos() - dropAt) / 1_000_000_000L, s -> new ArrayList<>())
                    .add(o);
        }
        long lastBad = -1;
        for (var e : bySecond.entrySet()) {
            Histogram h = new Histogram(3);
            boolean bad = false;
            for (Outcome o : e.getValue()) {
                if (!o.admitted()) {
                    bad = true;
                } else if (o.terminalMicros() >= 0) {
                    h.recordValue(o.terminalMicros());
                } else {
                    h.recordValue(o.responseMicros());
                }
            }
            if (bad || (h.getTotalCount() > 0 && h.getValueAtPercentile(99) > thresholdMicros)) {
                lastBad = e.getKey();
            }
        }
        return lastBad + 1;
    }

    /** What one phase saw. */
    private record PhaseFigures(
            Phase phase,
            long sent,
            Map<Integer, Long> statuses,
            long shedWithoutRetryAfter,
            long retryAfterMin,
            long retryAfterMax,
            Map<String, Long> failures,
            Histogram terminal,
            Histogram response,
            HeapWatch.Window heap,
            double maxDepth,
            double arrivalMillis) {

        /** @param samples {offset, queue depth, dispatcher arrivals, their total delay in nanos}, every 100 ms */
        static PhaseFigures of(Phase phase, List<Outcome> outcomes, HeapWatch.Window heap, List<double[]> samples) {
            double maxDepth = samples.stream()
                    .mapToDouble(d -> d[1])
                    .filter(Double::isFinite)
                    .max()
                    .orElse(Double.NaN);
            double arrivalMillis = samples.size() < 2
                    ? Double.NaN
                    : (samples.getLast()[3] - samples.getFirst()[3])
                            / Math.max(1, samples.getLast()[2] - samples.getFirst()[2])
                            / 1e6;
            Map<Integer, Long> statuses = new TreeMap<>();
            Map<String, Long> failures = new TreeMap<>();
            Histogram terminal = new Histogram(3);
            Histogram response = new Histogram(3);
            long noRetryAfter = 0;
            long raMin = Long.MAX_VALUE;
            long raMax = 0;
            for (Outcome o : outcomes) {
                statuses.merge(o.status(), 1L, Long::sum);
                if (o.failure() != null) {
                    failures.merge(o.failure(), 1L, Long::sum);
                }
                if (o.shed()) {
                    if (o.retryAfter() == null) {
                        noRetryAfter++;
                    } else {
                        long ra = Long.parseLong(o.retryAfter().trim());
                        raMin = Math.min(raMin, ra);
                        raMax = Math.max(raMax, ra);
                    }
                }
                if (o.admitted()) {
                    response.recordValue(o.responseMicros());
                    if (o.terminalMicros() >= 0) {
                        terminal.recordValue(o.terminalMicros());
                    }
                }
            }
            if (terminal.getTotalCount() == 0) {
                terminal = response; // the chat answer carries no stamps: its response time stands in
            }
            return new PhaseFigures(
                    phase,
                    outcomes.size(),
                    statuses,
                    noRetryAfter,
                    raMin == Long.MAX_VALUE ? 0 : raMin,
                    raMax,
                    failures,
                    terminal,
                    response,
                    heap,
                    maxDepth,
                    arrivalMillis);
        }

        long count(int status) {
            return statuses.getOrDefault(status, 0L);
        }

        long admitted() {
            return count(200) + count(202);
        }

        long errors() {
            return statuses.entrySet().stream()
                    .filter(e -> e.getKey() < 0 || e.getKey() >= 500 && e.getKey() != 503)
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        double p(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
        }

        void print() {
            System.out.printf(
                    Locale.ROOT,
                    "  %-8s offered %6.1f/s admitted %6.1f/s | 200 %d, 202 %d, 429 %d, 503 %d (without"
                            + " Retry-After %d, Retry-After %d..%d s), errors %d %s %s%n"
                            + "           accept->terminal p50 %.0f ms p99 %.0f ms max %.0f ms | response p50 %.0f"
                            + " ms p99 %.0f ms | heap used max %d MiB, after GC max %d MiB (%d GCs) | queue"
                            + " depth max %.0f, dispatcher arrival delay mean %.0f ms%n",
                    phase.name(),
                    sent / (double) phase.seconds(),
                    admitted() / (double) phase.seconds(),
                    count(200),
                    count(202),
                    count(429),
                    count(503),
                    shedWithoutRetryAfter,
                    retryAfterMin,
                    retryAfterMax,
                    errors(),
                    statuses.keySet().stream()
                            .filter(s -> s != 200 && s != 202 && s != 429 && s != 503)
                            .map(s -> s + "=" + statuses.get(s))
                            .toList(),
                    failures.isEmpty() ? "" : failures.toString(),
                    p(terminal, 50),
                    p(terminal, 99),
                    terminal.getTotalCount() == 0 ? Double.NaN : terminal.getMaxValue() / 1000.0,
                    p(response, 50),
                    p(response, 99),
                    heap.maxUsed() >> 20,
                    heap.maxAfterGc() >> 20,
                    heap.collections(),
                    maxDepth,
                    arrivalMillis);
        }
    }

    /** One run's phases and its recovery time. */
    private record RunFigures(List<PhaseFigures> phases, double recoverySeconds, double thresholdMillis) {
        void print(String name) {
            System.out.println(name + ":");
            phases.forEach(PhaseFigures::print);
            System.out.printf(
                    Locale.ROOT,
                    "  recovered %.0f s after the drop (no shed answer, p99 <= %.0f ms, twice the baseline's)%n",
                    recoverySeconds,
                    thresholdMillis);
        }

        static void printMedians(List<RunFigures> runs) {
            System.out.println("median of " + runs.size() + " runs:");
            for (int p = 0; p < runs.getFirst().phases().size(); p++) {
                int i = p;
                List<PhaseFigures> ph =
                        runs.stream().map(r -> r.phases().get(i)).toList();
                Phase phase = ph.getFirst().phase();
                System.out.printf(
                        Locale.ROOT,
                        "  %-8s offered %6.1f/s admitted %6.1f/s shed %6.1f/s errors %.0f |"
                                + " accept->terminal p50 %.0f ms p99 %.0f ms | heap used max %.0f MiB,"
                                + " after GC max %.0f MiB | queue depth max %.0f, arrival delay %.0f ms%n",
                        phase.name(),
                        median(ph, f -> f.sent() / (double) phase.seconds()),
                        median(ph, f -> f.admitted() / (double) phase.seconds()),
                        median(ph, f -> (f.count(429) + f.count(503)) / (double) phase.seconds()),
                        median(ph, f -> (double) f.errors()),
                        median(ph, f -> f.p(f.terminal(), 50)),
                        median(ph, f -> f.p(f.terminal(), 99)),
                        median(ph, f -> (double) (f.heap().maxUsed() >> 20)),
                        median(ph, f -> (double) (f.heap().maxAfterGc() >> 20)),
                        median(ph, PhaseFigures::maxDepth),
                        median(ph, PhaseFigures::arrivalMillis));
            }
            System.out.printf(Locale.ROOT, "  recovery %.0f s%n", median(runs, RunFigures::recoverySeconds));
        }
    }

    private static <T> double median(List<T> xs, java.util.function.ToDoubleFunction<T> f) {
        double[] v = xs.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
