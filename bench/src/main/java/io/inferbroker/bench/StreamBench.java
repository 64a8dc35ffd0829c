package io.inferbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many concurrent job streams on one ingress instance: submits {@code --streams} long jobs at
 * {@code --rate} per second and opens {@code GET /v1/jobs/{id}/stream} for each right after its
 * {@code 202}; the jobs last long enough that nearly all streams are open at once. Reports the
 * heap the open streams take (measured once after a full GC while nearly all are open and nearly
 * every first token has arrived, so the collection's pause does not delay the first tokens it
 * measures, against the same JVM before the run), how much later than the worker's first token the
 * client saw it (the job's {@code first_token_at}, stamped by the worker, against the arrival of
 * the first {@code token} event), and the broker's own share of it (its timers from the worker's
 * stamp to the ingress feed and to the write on the stream). The broker runs in its own JVM
 * ({@code broker serve}, with {@code BROKER_JAVA_OPTS} when set); both share the machine's clock.
 */
@Command(name = "stream-bench", mixinStandardHelpOptions = true)
public final class StreamBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--streams", description = "concurrent streams (default ${DEFAULT-VALUE})")
    int streams = 10_000;

    @Option(names = "--rate", description = "streams opened per second (default ${DEFAULT-VALUE})")
    int rate = 1000;

    @Option(names = "--tokens", description = "tokens per job (default ${DEFAULT-VALUE})")
    int tokens = 60;

    @Option(
            names = "--time-scale",
            description =
                    "simulator time scale: 12 makes a 60-token job last about 10 s" + " (default ${DEFAULT-VALUE})")
    double timeScale = 12;

    @Option(names = "--runs", description = "measured runs (default ${DEFAULT-VALUE})")
    int runs = 3;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("stream-bench-");
        Path config = Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: sim-stream
                    max_batch_size: 4096
                    max_queue_delay_ms: 20
                workers:
                  - id: sim-stream-1
                    models: [sim-stream]
                    capacity: %d
                    time_scale: %s
                """.formatted(streams + 100, timeScale));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // The broker runs in a JVM of its own: ten thousand streams take a file descriptor on each
        // side, more than one process may hold here, and its heap is then its own to measure.
        // BROKER_JAVA_OPTS (e.g. a flight recording) go to the broker's JVM, as with ./broker.
        List<String> java = new ArrayList<>(List.of(javaBin("java"), "-Xmx4g"));
        String brokerOpts = System.getenv().getOrDefault("BROKER_JAVA_OPTS", "").trim();
        if (!brokerOpts.isEmpty()) {
            java.addAll(List.of(brokerOpts.split("\\s+")));
        }
        java.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "io.inferbroker.launcher.Main",
                "serve",
                "--config",
                config.toString(),
                "--data-dir",
                dir.resolve("data").toString(),
                "--port",
                Integer.toString(port)));
        ProcessBuilder command = new ProcessBuilder(java)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile());
        command.environment().put("BROKER_ADMIN_KEY", BenchBroker.ADMIN_KEY);
        Process broker = command.start();
        try {
            String base = "http://127.0.0.1:" + port;
            BenchBroker.awaitReady(base);
            String key = BenchBroker.apiKey(base);
            HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(streams + 1000);
            client.setMaxRequestsQueuedPerDestination(streams + 1000);
            client.setIdleTimeout(120_000);
            client.start();
            try {
                run(client, broker, base, key, Math.min(streams, 500), "warm-up");
                for (int i = 0; i < runs; i++) {
                    run(client, broker, base, key, streams, "run " + (i + 1));
                }
            } finally {
                client.stop();
            }
        } finally {
            broker.destroy();
            broker.waitFor(60, TimeUnit.SECONDS);
        }
        return 0;
    }

    private void run(HttpClient client, Process broker, String base, String key, int n, String name) throws Exception {
        long heapBefore = brokerHeapAfterGc(client, broker, base);
        Stages stagesBefore = Stages.scrape(client, base);
        String body = body();
        List<Stream> all = new ArrayList<>();
        CountDownLatch ended = new CountDownLatch(n);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger peakOpen = new AtomicInteger();
        AtomicInteger firstTokens = new AtomicInteger();
        long periodNanos = 1_000_000_000L / rate;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = t0 + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Stream s = new Stream(firstTokens);
            all.add(s);
            client.newRequest(URI.create(base + "/v1/jobs"))
                    .method(HttpMethod.POST)
                    .headers(h -> h.put("Authorization", "Bearer " + key))
                    .body(new StringRequestContent("application/json", body))
                    .send(new org.eclipse.jetty.client.BufferingResponseListener() {
                        @Override
                        public void onComplete(org.eclipse.jetty.client.Result result) {
                            if (!result.isSucceeded() || result.getResponse().getStatus() != 202) {
                                s.failed = true;
                                ended.countDown();
                                return;
                            }
                            s.jobId = jobId(getContentAsString());
                            open(client, base, key, s, open, peakOpen, ended);
                        }
                    });
        }
        // Once, while (nearly) every stream is open: the heap they hold. Only after (nearly) every
        // first token arrived: the full collection stops the broker's JVM, which would delay the
        // first tokens it measures.
        long heapOpen = 0;
        while (!ended.await(100, TimeUnit.MILLISECONDS)) {
            if (heapOpen == 0 && open.get() >= n * 95 / 100 && firstTokens.get() >= n * 99 / 100) {
                heapOpen = brokerHeapAfterGc(client, broker, base);
            }
        }
        report(client, base, key, name, n, all, peakOpen.get(), heapOpen == 0 ? 0 : heapOpen - heapBefore);
        Stages.scrape(client, base).since(stagesBefore).print();
    }

    /**
     * The broker's own timers of the live tokens: worker stamp -> arrival in the ingress's job feed,
     * and worker stamp -> written on the stream, for every token (sums and counts) and for first
     * tokens (histogram buckets); a run's figures are the difference of two scrapes.
     */
    private record Stages(
            double fedSeconds,
            double fed,
            double streamedSeconds,
            double streamed,
            NavigableMap<Double, Double> firstTokenBuckets) {
        private static final String FIRST_BUCKET = "broker_ingress_stream_first_token_delay_seconds_bucket{le=\"";

        static Stages scrape(HttpClient client, String base) throws Exception {
            String metrics =
                    client.newRequest(URI.create(base + "/metrics")).send().getContentAsString();
            NavigableMap<Double, Double> buckets = new TreeMap<>();
            metrics.lines().filter(l -> l.startsWith(FIRST_BUCKET)).forEach(l -> {
                String le = l.substring(FIRST_BUCKET.length(), l.indexOf('"', FIRST_BUCKET.length()));
                buckets.put(
                        le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                        Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
            });
            return new Stages(
                    value(metrics, "broker_ingress_feed_token_delay_seconds_sum"),
                    value(metrics, "broker_ingress_feed_token_delay_seconds_count"),
                    value(metrics, "broker_ingress_stream_token_delay_seconds_sum"),
                    value(metrics, "broker_ingress_stream_token_delay_seconds_count"),
                    buckets);
        }

        private static double value(String metrics, String name) {
            return metrics.lines()
                    .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        }

        Stages since(Stages before) {
            NavigableMap<Double, Double> buckets = new TreeMap<>();
            firstTokenBuckets.forEach((le, n) -> buckets.put(le, n - before.firstTokenBuckets.getOrDefault(le, 0.0)));
            return new Stages(
                    fedSeconds - before.fedSeconds,
                    fed - before.fed,
                    streamedSeconds - before.streamedSeconds,
                    streamed - before.streamed,
                    buckets);
        }

        /** The upper bound, in ms, of the histogram bucket holding quantile {@code q} of first tokens. */
        private double firstTokenQuantileMs(double q) {
            double total = firstTokenBuckets.isEmpty()
                    ? 0
                    : firstTokenBuckets.lastEntry().getValue();
            for (var bucket : firstTokenBuckets.entrySet()) {
                if (total > 0 && bucket.getValue() >= q * total) {
                    return bucket.getKey() * 1000;
                }
            }
            return Double.NaN;
        }

        void print() {
            System.out.printf(
                    "  broker's timers: every live token (mean) worker -> ingress feed %.2f ms (n=%.0f),"
                            + " worker -> written on the stream %.2f ms (n=%.0f); first tokens worker -> written"
                            + " p50 <= %.2f ms p99 <= %.2f ms (n=%.0f)%n",
                    fedSeconds / Math.max(1, fed) * 1000,
                    fed,
                    streamedSeconds / Math.max(1, streamed) * 1000,
                    streamed,
                    firstTokenQuantileMs(0.5),
                    firstTokenQuantileMs(0.99),
                    firstTokenBuckets.isEmpty()
                            ? 0
                            : firstTokenBuckets.lastEntry().getValue());
        }
    }

    private void open(
            HttpClient client,
            String base,
            String key,
            Stream s,
            AtomicInteger open,
            AtomicInteger peakOpen,
            CountDownLatch ended) {
        client.newRequest(URI.create(base + "/v1/jobs/" + s.jobId + "/stream"))
                .headers(h -> h.put("Authorization", "Bearer " + key))
                .idleTimeout(120, TimeUnit.SECONDS)
                .onResponseBegin(r -> peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max))
                .onResponseContent((r, buffer) -> s.feed(buffer))
                .send(result -> {
                    open.decrementAndGet();
                    s.failed |= !result.isSucceeded() || !s.done;
                    ended.countDown();
                });
    }

    private void report(
            HttpClient client, String base, String key, String name, int n, List<Stream> all, int peak, long heap)
            throws Exception {
        Histogram overhead = new Histogram(3);
        int failed = 0;
        int sampled = 0;
        for (int i = 0; i < all.size(); i++) {
            Stream s = all.get(i);
            if (s.failed || s.firstToken == null) {
                failed++;
                continue;
            }
            if (i % 10 != 0) {
                continue; // a sample of the jobs is read back for their first_token_at
            }
            String job = client.newRequest(URI.create(base + "/v1/jobs/" + s.jobId))
                    .headers(h -> h.put("Authorization", "Bearer " + key))
                    .send()
                    .getContentAsString();
            JsonNode firstToken = JSON.readTree(job).get("first_token_at");
            if (firstToken != null && !firstToken.isNull()) {
                Duration d = Duration.between(Instant.parse(firstToken.asText()), s.firstToken);
                overhead.recordValue(Math.max(0, d.toNanos() / 1000));
                sampled++;
            }
        }
        System.out.printf(
                "%-8s %d streams, %d open at once, %d failed; heap for the open streams %.1f MiB (%.1f KiB each);"
                        + " first token after the worker's (n=%d): p50 %.2f ms p99 %.2f ms%n",
                name,
                n,
                peak,
                failed,
                heap / 1048576.0,
                heap / 1024.0 / Math.max(1, peak),
                sampled,
                overhead.getValueAtPercentile(50) / 1000.0,
                overhead.getValueAtPercentile(99) / 1000.0);
    }

    private String body() {
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            prompt.append(i == 0 ? "" : " ").append("word").append(i);
        }
        return "{\"model\":\"sim-stream\",\"input\":{\"prompt\":\"" + prompt + "\",\"max_tokens\":" + tokens + "}}";
    }

    private static String jobId(String json) {
        try {
            return JSON.readTree(json).get("id").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable submit answer: " + json, e);
        }
    }

    /** The broker's heap in use right after a full GC (jcmd), from its own Prometheus metrics. */
    private static long brokerHeapAfterGc(HttpClient client, Process broker, String base) throws Exception {
        Process gc = new ProcessBuilder(javaBin("jcmd"), Long.toString(broker.pid()), "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        gc.waitFor(60, TimeUnit.SECONDS);
        String metrics = client.newRequest(URI.create(base + "/metrics")).send().getContentAsString();
        return (long) metrics.lines()
                .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String javaBin(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    /** One client stream: notes when its first token event arrived and whether it saw {@code done}. */
    private static final class Stream {
        private final StringBuilder pending = new StringBuilder();
        volatile String jobId;
        volatile Instant firstToken;
        volatile boolean done;
        volatile boolean failed;
        private final AtomicInteger firstTokens;

        Stream(AtomicInteger firstTokens) {
            this.firstTokens = firstTokens;
        }

        synchronized void feed(ByteBuffer buffer) {
            pending.append(StandardCharsets.UTF_8.decode(buffer));
            int nl;
            while ((nl = pending.indexOf("\n")) >= 0) {
                String line = pending.substring(0, nl);
                pending.delete(0, nl + 1);
                if (line.equals("event: token") && firstToken == null) {
                    firstToken = Instant.now();
                    firstTokens.incrementAndGet();
                } else if (line.equals("event: done")) {
                    done = true;
                }
            }
        }
    }
}
