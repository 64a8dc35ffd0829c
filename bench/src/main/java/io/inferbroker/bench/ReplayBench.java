package io.inferbroker.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.embedded.EmbeddedKafka;
import io.inferbroker.embedded.TopicProvisioner;
import io.inferbroker.replay.CostReport;
import io.inferbroker.replay.GroupBy;
import io.inferbroker.replay.Replay;
import io.inferbroker.replay.ReplayFilter;
import io.inferbroker.replay.ReplayProgress;
import io.inferbroker.replay.ReplayRange;
import io.inferbroker.replay.ReplaySource;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replay throughput: writes {@code --events} records (dispatch batches of four jobs and one result
 * per job) to an embedded Kafka broker, then alternates (a) a bare {@link KafkaConsumer} reading the
 * same two topics to their end with the replay's fetch settings, touching every value, and (b) the
 * replay's cost report over them (decode, batch sizes, grouping by tenant and model, histograms).
 * Reports events per second and the most heap in use (whole JVM, broker included, sampled every
 * 10 ms) in each, medians over {@code --runs}.
 */
@Command(name = "replay-bench", mixinStandardHelpOptions = true)
public final class ReplayBench implements Callable<Integer> {
    private static final int BATCH = 4;
    private static final ObjectNode OUTPUT =
            WireJson.newMapper().createObjectNode().put("text", "some generated output text");

    @Option(names = "--events", description = "records to write (default ${DEFAULT-VALUE})")
    int events = 2_000_000;

    @Option(names = "--runs", description = "runs of each variant (default ${DEFAULT-VALUE})")
    int runs = 3;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplayBench()).execute(args));
    }

    /** One measured read. */
    record Run(long records, double seconds, long peakHeapBytes) {
        double perSecond() {
            return records / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("replay-bench-");
        TopicNames topics = new TopicNames("bench.");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                new TopicProvisioner(admin, Duration.ofSeconds(60)).ensureAll(topics, Optional.empty());
            }
            Instant from = Instant.now().minusSeconds(60);
            long jobs = produce(kafka.bootstrapServers(), topics);
            ReplayRange range = new ReplayRange(from, Instant.now().plusSeconds(60));
            ReplaySource source = new ReplaySource(kafka.bootstrapServers(), topics);
            List<Run> bare = new ArrayList<>();
            List<Run> replay = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                bare.add(report("a bare KafkaConsumer", measure(() -> bare(source))));
                replay.add(report("b replay cost report", measure(() -> cost(source, range, jobs))));
            }
            System.out.printf(
                    "%n| variant (median of %d runs, %d records) | events/s | max heap used MiB |%n", runs, events);
            System.out.println("|---|---|---|");
            row("a bare KafkaConsumer, same topics and fetch settings", bare);
            row("b replay: cost report by tenant and model", replay);
            System.out.printf(
                    "%nratio b/a (events/s): %.2f%n", median(replay, Run::perSecond) / median(bare, Run::perSecond));
        }
        return 0;
    }

    /** Writes the batches and results; returns the number of jobs (results). */
    private long produce(String bootstrap, TopicNames topics) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        long batches = events / (BATCH + 1);
        long jobs = batches * BATCH;
        AtomicReference<Exception> failed = new AtomicReference<>();
        long started = System.nanoTime();
        Instant t0 = Instant.now();
        var input = WireJson.newMapper().createObjectNode().put("prompt", "benchmark prompt of a few words");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (long b = 0; b < batches; b++) {
                String worker = "w" + (b % 8);
                String model = "model-" + (b % 4);
                List<DispatchedJob> batchJobs = new ArrayList<>(BATCH);
                for (int k = 0; k < BATCH; k++) {
                    batchJobs.add(new DispatchedJob(
                            "job-" + (b * BATCH + k), "t" + (b % 50), JobKind.CHAT, input, 1, 0, null, t0));
                }
                DispatchBatch batch = new DispatchBatch(DispatchBatch.VERSION, "b" + b, worker, model, t0, batchJobs);
                producer.send(
                        new ProducerRecord<>(topics.dispatch(), worker, WireSerdes.DISPATCH_BATCH.serialize("", batch)),
                        (m, e) -> failed.compareAndSet(null, e));
                for (DispatchedJob j : batchJobs) {
                    JobResult r = result(j, worker, model, t0, b);
                    producer.send(
                            new ProducerRecord<>(topics.results(), j.jobId(), WireSerdes.JOB_RESULT.serialize("", r)),
                            (m, e) -> failed.compareAndSet(null, e));
                }
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        System.out.printf(
                "wrote %d records (%d batches, %d results) in %.1f s%n",
                batches + jobs, batches, jobs, (System.nanoTime() - started) / 1e9);
        return jobs;
    }

    private static JobResult result(DispatchedJob j, String worker, String model, Instant t0, long b) {
        int prompt = 20 + (int) (b % 200);
        int completion = 50 + (int) (b % 300);
        Instant started = t0.plusMillis(5 + b % 20);
        Instant completed = started.plusMillis(200 + b % 800);
        JobStatus status = b % 50 == 0 ? JobStatus.FAILED : JobStatus.SUCCEEDED;
        return new JobResult(
                JobResult.VERSION,
                j.jobId(),
                j.tenantId(),
                model,
                status,
                WireJson.newMapper().createObjectNode().put("text", "some generated output text"),
                null,
                new Usage(prompt, completion),
                new Cost(new BigDecimal("0.000123"), "USD"),
                worker,
                1,
                new Timings(t0, t0, started, started.plusMillis(30), completed));
    }

    private long bare(ReplaySource source) {
        // The replay's own settings: the baseline differs from it only in what it does with the records.
        Properties p = source.consumerSettings();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String topic :
                    List.of(source.topics().dispatch(), source.topics().results())) {
                for (PartitionInfo i : c.partitionsFor(topic)) {
                    tps.add(new TopicPartition(topic, i.partition()));
                }
            }
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            c.assign(tps);
            c.seekToBeginning(tps);
            long records = 0;
            long bytes = 0;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                ConsumerRecords<byte[], byte[]> polled = c.poll(Duration.ofMillis(200));
                for (var r : polled) {
                    records++;
                    bytes += r.value().length;
                }
            }
            if (bytes == 0 && records > 0) {
                throw new IllegalStateException("read no bytes");
            }
            return records;
        }
    }

    private long cost(ReplaySource source, ReplayRange range, long jobs) {
        CostReport report = new Replay(source, ReplayProgress.QUIET)
                .cost(range, ReplayFilter.all(), List.of(GroupBy.TENANT, GroupBy.MODEL), Optional.empty());
        if (report.total().jobs() != jobs) {
            throw new IllegalStateException("replay counted " + report.total().jobs() + " jobs, wrote " + jobs);
        }
        return report.recordsRead();
    }

    /** Times one read while a daemon thread samples the heap in use every 10 ms. */
    private static Run measure(Callable<Long> read) throws Exception {
        System.gc();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                LockSupport.parkNanos(10_000_000L);
            }
        });
        long started = System.nanoTime();
        long records;
        try {
            records = read.call();
        } finally {
            running.set(false);
            sampler.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Run(records, seconds, peak.get());
    }

    private static Run report(String name, Run r) {
        System.out.printf(
                "%-24s %,10d records in %6.2f s = %,10.0f events/s, peak heap %,5d MiB%n",
                name, r.records(), r.seconds(), r.perSecond(), r.peakHeapBytes() >> 20);
        return r;
    }

    private static void row(String name, List<Run> runs) {
        System.out.printf(
                "| %s | %.0f | %.0f |%n",
                name, median(runs, Run::perSecond), median(runs, r -> (double) (r.peakHeapBytes() >> 20)));
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
