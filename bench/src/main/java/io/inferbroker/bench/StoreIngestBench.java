package io.inferbroker.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import io.inferbroker.embedded.EmbeddedKafka;
import io.inferbroker.embedded.EmbeddedPostgres;
import io.inferbroker.embedded.TopicProvisioner;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.ResultSink;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.WebhookConfig;
import io.inferbroker.store.WebhookDispatcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The result store's ingest rate into PostgreSQL and its webhook delivery rate, each with a baseline
 * in the same run on the same embedded Kafka and PostgreSQL:
 *
 * <ul>
 *   <li>ingest (a) a bare JDBC batch insert of the same rows into {@code jobs}, 500 rows a
 *       transaction; (b) the {@link ResultSink}: results pre-produced to Kafka, consumed, decoded,
 *       upserted with the first-result-wins rules, audited, webhook planning included, committed;
 *       timed from the first stored batch to the last by the sink's own counters; (e) the same for
 *       whole jobs: each job's request, lifecycle events and result on their three topics;
 *   <li>webhooks (c) bare POSTs of the same bodies to the same local receiver, as many in flight
 *       as the dispatcher's batch; (d) the {@link WebhookDispatcher}: claim, sign, POST, record the
 *       attempt, for messages the sink created for a subscription.
 * </ul>
 */
@Command(name = "store-ingest-bench", mixinStandardHelpOptions = true)
public final class StoreIngestBench implements Callable<Integer> {
    private static final String TENANT = "ten_bench";
    private static final int JDBC_BATCH = 500;
    private static final List<LifecycleType> LIFECYCLE =
            List.of(LifecycleType.DISPATCHED, LifecycleType.STARTED, LifecycleType.SUCCEEDED);

    @Option(names = "--results", description = "results per ingest run (default ${DEFAULT-VALUE})")
    int results = 100_000;

    @Option(
            names = "--webhooks",
            description = "webhook messages per delivery run, 0 to skip it (default ${DEFAULT-VALUE})")
    int webhooks = 5_000;

    @Option(
            names = "--jobs",
            description = "jobs per whole-lifecycle ingest run, 0 to skip it (default ${DEFAULT-VALUE})")
    int jobs = 20_000;

    @Option(names = "--runs", description = "runs of each variant (default ${DEFAULT-VALUE})")
    int runs = 3;

    private EmbeddedKafka kafka;
    private EmbeddedPostgres pg;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    public static void main(String[] args) {
        System.exit(new CommandLine(new StoreIngestBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("store-bench-");
        try (EmbeddedKafka k = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                EmbeddedPostgres p = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
                Receiver receiver = new Receiver()) {
            kafka = k;
            pg = p;
            List<Double> jdbc = new ArrayList<>();
            List<Double> sink = new ArrayList<>();
            List<Double> lifecycle = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            List<Double> dispatched = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                jdbc.add(report("a bare JDBC batch insert", jdbcBaseline(run)));
                sink.add(report("b result sink (Kafka -> PostgreSQL)", sinkIngest(run)));
                if (jobs > 0) {
                    lifecycle.add(report("e result sink, whole job lifecycles", lifecycleIngest(run)));
                }
                if (webhooks > 0) {
                    bare.add(report("c bare POSTs to the receiver", barePosts(receiver)));
                    dispatched.add(report("d webhook dispatcher", dispatch(run, receiver)));
                }
            }
            System.out.printf("%n| variant (median of %d runs) | per second |%n|---|---|%n", runs);
            System.out.printf("| a bare JDBC batch insert, %d rows | %.0f |%n", results, median(jdbc));
            System.out.printf("| b result sink, %d results | %.0f |%n", results, median(sink));
            if (jobs > 0) {
                System.out.printf(
                        "| e result sink, %d jobs of %d records (request, %d events, result) | %.0f jobs |%n",
                        jobs, LIFECYCLE.size() + 2, LIFECYCLE.size(), median(lifecycle));
            }
            if (webhooks > 0) {
                System.out.printf("| c bare POSTs, %d | %.0f |%n", webhooks, median(bare));
                System.out.printf("| d webhook dispatcher, %d messages | %.0f |%n", webhooks, median(dispatched));
            }
            System.out.printf("%nratio b/a: %.2f%n", median(sink) / median(jdbc));
            if (webhooks > 0) {
                System.out.printf("ratio d/c: %.2f%n", median(dispatched) / median(bare));
            }
        }
        return 0;
    }

    private double jdbcBaseline(int run) throws SQLException {
        StoreConfig config = store("base_" + run);
        StoreDatabase.open(config, registry).close();
        List<JobResult> rows = results("base", results);
        try (Connection c = connect(config);
                PreparedStatement s = c.prepareStatement("insert into jobs (id, tenant_id, model, status, status_rank,"
                        + " created_at, completed_at, output, prompt_tokens, completion_tokens, cost_amount, cost_currency,"
                        + " worker_id, attempts, result_attempt, updated_at) values (?, ?, ?, ?, 3, ?, ?, cast(? as jsonb),"
                        + " ?, ?, ?, ?, ?, 1, 1, now())")) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            for (int i = 0; i < rows.size(); i++) {
                JobResult r = rows.get(i);
                s.setString(1, r.jobId());
                s.setString(2, r.tenantId());
                s.setString(3, r.model());
                s.setString(4, r.status().wireName());
                s.setTimestamp(5, Timestamp.from(r.timings().acceptedAt()));
                s.setTimestamp(6, Timestamp.from(r.timings().completedAt()));
                s.setString(7, r.output().toString());
                s.setInt(8, r.usage().promptTokens());
                s.setInt(9, r.usage().completionTokens());
                s.setBigDecimal(10, r.cost().amount());
                s.setString(11, r.cost().currency());
                s.setString(12, r.workerId());
                s.addBatch();
                if ((i + 1) % JDBC_BATCH == 0 || i == rows.size() - 1) {
                    s.executeBatch();
                    c.commit();
                }
            }
            return rows.size() / seconds(start);
        }
    }

    private double sinkIngest(int run) throws Exception {
        TopicNames topics = new TopicNames("ingest" + run + ".");
        produce(topics, results("sink", results), WireSerdes.JOB_RESULT, JobResult::jobId);
        return timedSink(topics, "sink_" + run, results);
    }

    /** Each job as the broker makes it: its request, its lifecycle events and its result, on three topics. */
    private double lifecycleIngest(int run) throws Exception {
        TopicNames topics = new TopicNames("life" + run + ".");
        List<JobResult> done = results("life", jobs);
        List<JobRequested> requests =
                done.stream().map(StoreIngestBench::request).toList();
        List<LifecycleEvent> events = new ArrayList<>(jobs * LIFECYCLE.size());
        for (JobResult r : done) {
            for (int i = 0; i < LIFECYCLE.size(); i++) {
                events.add(new LifecycleEvent(
                        LifecycleEvent.VERSION,
                        r.jobId(),
                        r.tenantId(),
                        r.model(),
                        LIFECYCLE.get(i),
                        r.timings().acceptedAt().plusMillis(5L * (i + 1)),
                        r.workerId(),
                        1,
                        null));
            }
        }
        produce(topics, requests, WireSerdes.JOB_REQUESTED, JobRequested::jobId);
        produce(topics, events, WireSerdes.LIFECYCLE_EVENT, LifecycleEvent::jobId);
        produce(topics, done, WireSerdes.JOB_RESULT, JobResult::jobId);
        int records = jobs * (LIFECYCLE.size() + 2);
        return timedSink(topics, "life_" + run, records) * jobs / records;
    }

    /**
     * Starts a sink on produced topics; records stored per second, from the first stored batch to the
     * last (consumer-group start-up excluded), read from the sink's own counters.
     */
    private double timedSink(TopicNames topics, String schema, int expected) throws Exception {
        StoreConfig config = store(schema);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (StoreDatabase db = StoreDatabase.open(config, metrics);
                ResultSink sink =
                        new ResultSink(db, topics, props(), topics.prefix() + "store", metrics, Clock.systemUTC())) {
            sink.start();
            CountDownLatch never = new CountDownLatch(1);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long first = 0;
            double firstCount = 0;
            while (System.nanoTime() < deadline) {
                double n = metrics.find("broker.store.records.written").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum();
                if (n > 0 && first == 0) {
                    first = System.nanoTime();
                    firstCount = n;
                }
                if (n >= expected) {
                    double rate = (expected - firstCount) / seconds(first);
                    var size = metrics.get("broker.store.write.batch.size").summary();
                    double writing =
                            metrics.get("broker.store.write.latency").timer().totalTime(TimeUnit.NANOSECONDS);
                    System.out.printf(
                            "   sink: %.0f records per transaction on average; writing took %.0f %% of the run%n",
                            size.mean(), 100.0 * writing / (System.nanoTime() - first));
                    return rate;
                }
                never.await(5, TimeUnit.MILLISECONDS);
            }
            throw new IllegalStateException("timed out waiting for " + expected + " records in " + schema);
        }
    }

    private double dispatch(int run, Receiver receiver) throws Exception {
        TopicNames topics = new TopicNames("hooks" + run + ".");
        StoreConfig config = store("hooks_" + run);
        WebhookConfig hooks =
                WebhookConfig.defaults().withAllowList(List.of("127.0.0.1")).withPollInterval(Duration.ofMillis(20));
        try (StoreDatabase db = StoreDatabase.open(config, registry);
                Connection c = connect(config)) {
            db.webhooks().create(TENANT, receiver.url(), List.of("job.succeeded"));
            produce(topics, results("hook", webhooks), WireSerdes.JOB_RESULT, JobResult::jobId);
            try (ResultSink sink =
                    new ResultSink(db, topics, props(), topics.prefix() + "store", registry, Clock.systemUTC())) {
                sink.start();
                awaitRows(c, "select count(*) from webhook_deliveries", webhooks);
            }
            try (WebhookDispatcher d = WebhookDispatcher.start(db, hooks, null, topics, registry, Clock.systemUTC())) {
                return awaitRows(c, "select count(*) from webhook_deliveries where status = 'delivered'", webhooks);
            }
        }
    }

    private double barePosts(Receiver receiver) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
        String body = "{\"type\":\"job.succeeded\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"id\":\"x\"}}";
        int inFlight = WebhookConfig.defaults().batchSize();
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < inFlight; w++) {
                int first = w;
                workers.add(threads.submit(() -> {
                    for (int i = first; i < webhooks; i += inFlight) {
                        http.send(
                                HttpRequest.newBuilder(URI.create(receiver.url()))
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        return webhooks / seconds(start);
    }

    /** Rows per second from the first row seen to the last. */
    private static double awaitRows(Connection c, String countSql, int expected) throws Exception {
        long first = 0;
        int firstCount = 0;
        CountDownLatch never = new CountDownLatch(1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            int n = count(c, countSql);
            if (n > 0 && first == 0) {
                first = System.nanoTime();
                firstCount = n;
            }
            if (n >= expected) {
                return (expected - firstCount) / seconds(first);
            }
            never.await(20, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("timed out waiting for " + expected + " rows: " + countSql);
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private <T> void produce(TopicNames topics, List<T> values, Serializer<T> serde, Function<T, String> key)
            throws Exception {
        try (Admin admin = Admin.create(props())) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensureAll(topics, Optional.empty());
        }
        Properties p = props();
        // Loading, not measured: plain acks=1 batches, waited for in chunks.
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), serde)) {
            List<Future<?>> pending = new ArrayList<>();
            String topic = topic(topics, values.get(0));
            for (T v : values) {
                pending.add(producer.send(new ProducerRecord<>(topic, key.apply(v), v)));
                if (pending.size() == 5_000) {
                    for (Future<?> f : pending) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    pending.clear();
                }
            }
            for (Future<?> f : pending) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static String topic(TopicNames topics, Object value) {
        return switch (value) {
            case JobRequested r -> topics.requests();
            case LifecycleEvent e -> topics.events();
            default -> topics.results();
        };
    }

    private static JobRequested request(JobResult r) {
        return new JobRequested(
                JobRequested.VERSION,
                r.jobId(),
                r.tenantId(),
                "key_bench",
                r.model(),
                JobKind.CHAT,
                JsonNodeFactory.instance.objectNode().put("prompt", "the quick brown fox jumps over the lazy dog"),
                5,
                null,
                null,
                Map.of("run", "bench"),
                null,
                null,
                r.timings().acceptedAt());
    }

    private static List<JobResult> results(String prefix, int n) {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        List<JobResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new JobResult(
                    JobResult.VERSION,
                    prefix + "-" + i,
                    TENANT,
                    "sim-echo",
                    JobStatus.SUCCEEDED,
                    JsonNodeFactory.instance.objectNode().put("text", "the quick brown fox jumps over the lazy dog"),
                    null,
                    new Usage(12, 9),
                    new Cost(new BigDecimal("0.000021"), "USD"),
                    "sim-1",
                    1,
                    new Timings(now, now.plusMillis(5), now.plusMillis(6), now.plusMillis(20), now.plusMillis(90))));
        }
        return out;
    }

    private StoreConfig store(String schema) {
        return new StoreConfig(pg.jdbcUrl(EmbeddedPostgres.DATABASE), EmbeddedPostgres.USER, "", 4, schema);
    }

    private static Connection connect(StoreConfig config) throws SQLException {
        String url =
                config.jdbcUrl() + (config.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + config.schema();
        return DriverManager.getConnection(url, config.user(), config.password());
    }

    private Properties props() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return p;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double report(String name, double perSecond) {
        System.out.printf("%-40s %10.0f /s%n", name, perSecond);
        return perSecond;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A local webhook receiver answering 204 to everything. */
    private static final class Receiver implements AutoCloseable {
        private final HttpServer server;

        Receiver() throws java.io.IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/hook", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(204, -1);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
