package io.inferbroker.bench;

import io.inferbroker.schemas.JobStatus;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The asynchronous job path end to end on one {@code serve} ({@link SimServe}: every role in this
 * JVM, embedded Kafka and PostgreSQL, a simulated model answering in microseconds): {@code
 * --connections} clients submit {@code POST /v1/jobs} in a closed loop, each sending the next job as
 * soon as the last was accepted, so the ingress sets the pace and the rest of the path either keeps
 * up or builds a backlog.
 *
 * <p>Each run starts on an empty pipeline: the baseline of one Kafka hop, then {@code --duration}
 * seconds of load, then a drain until every accepted job is stored. Per run: submits accepted per
 * second; jobs completed per second counted (a) as succeeded results the store wrote to PostgreSQL
 * in the load window (its own {@code received_at} stamps) and (b) as answers seen by submitters (every
 * n-th accepted job is waited for with {@code GET /v1/jobs/{id}?wait=30}, scaled by the sampling
 * factor); the backlog (accepted minus stored) once a second; the time per stage of the watched jobs;
 * the drain time; CPU per job (this JVM's and PostgreSQL's, over load and drain); heap. At the end,
 * every accepted job must be stored as succeeded, or the benchmark exits with 1.
 */
@Command(name = "pipeline-bench", mixinStandardHelpOptions = true)
public final class PipelineBench implements Callable<Integer> {
    @Option(names = "--connections", description = "concurrent submitting clients (default ${DEFAULT-VALUE})")
    int connections = 64;

    @Option(names = "--warmup", description = "warm-up seconds, then a drain (default ${DEFAULT-VALUE})")
    int warmup = 20;

    @Option(names = "--duration", description = "measured seconds of load per run (default ${DEFAULT-VALUE})")
    int duration = 30;

    @Option(names = "--runs", description = "measured runs (default ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(
            names = "--watch-every",
            description = "wait for every n-th accepted job as its submitter would (default ${DEFAULT-VALUE})")
    int watchEvery = 50;

    @Option(names = "--watchers", description = "jobs waited for at once, at most (default ${DEFAULT-VALUE})")
    int watchers = 256;

    @Option(
            names = "--drain-timeout",
            description = "seconds to wait for the backlog to be stored (default ${DEFAULT-VALUE})")
    int drainTimeout = 900;

    private SimServe serve;
    private SubmitLoad load;
    private ResultWatch watch;
    private ProcessUsage usage;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PipelineBench()).execute(args));
    }

    /** One run's figures. */
    record Run(
            double acceptedPerSecond,
            double storedPerSecond,
            double answeredPerSecond,
            long backlogAtEnd,
            double drainSeconds,
            double cpuMsPerJob,
            double postgresCpuMsPerJob,
            double clientCpuMsPerJob) {}

    @Override
    public Integer call() throws Exception {
        try (HeapWatch heap = HeapWatch.start();
                SimServe s = SimServe.start("pipeline-bench");
                ResultWatch w = new ResultWatch(s.base(), s.key(), watchEvery, watchers);
                SubmitLoad l = new SubmitLoad(s.base(), s.key(), connections, w);
                Connection db = s.postgres().connect()) {
            serve = s;
            watch = w;
            load = l;
            usage = new ProcessUsage(s.postgres());
            load.start();
            pause(warmup);
            load.stop();
            System.out.printf(
                    "warm-up: %d jobs accepted in %d s, drained in %.1f s%n", load.accepted(), warmup, drain(null));
            watch.submitToAnswer();
            watch.takeAnswers();
            List<Run> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                results.add(run(i + 1, db, heap));
            }
            printTable(results);
            boolean complete = verify(db);
            printMemory(s.postgres());
            return complete ? 0 : 1;
        }
    }

    private Run run(int n, Connection db, HeapWatch heap) throws Exception {
        var hop = KafkaRoundTrip.measure(serve.broker().bootstrapServers(), 1000);
        System.out.printf(
                "%nrun %d: baseline one Kafka hop (produce -> consume, one at a time): p50 %.2f ms  p99 %.2f ms%n",
                n, hop.getValueAtPercentile(50) / 1000.0, hop.getValueAtPercentile(99) / 1000.0);
        ProcessUsage.Snapshot before = usage.snapshot();
        DispatcherFigures.Times dispatcherBefore =
                DispatcherFigures.Times.of(serve.broker().registry());
        Map<String, Long> recordsBefore = TopicRecords.count(serve.broker().bootstrapServers());
        long heapFrom = System.nanoTime();
        Load l = load("run " + n);
        double drained = drain("run " + n + " drain");
        ProcessUsage.Snapshot after = usage.snapshot();
        double seconds = java.time.Duration.between(l.from(), l.to()).toNanos() / 1e9;
        long stored = StoredJobs.succeededBetween(db, l.from(), l.to());
        double answeredPerSecond = l.answered() * l.watched().scale() / seconds;
        System.out.printf(
                "run %d: %d s of load, %d connections; answers so far %s%n"
                        + "  submits accepted %.0f/s (p50 %.2f ms, p99 %.2f ms)%n"
                        + "  completed (a) stored as succeeded in PostgreSQL %.0f/s  (b) answers seen by submitters"
                        + " %.0f/s (%d watched jobs answered, x %.1f; %d skipped in all, all watchers busy)%n"
                        + "  backlog at the end of the load %d jobs, all stored %.1f s later%n",
                n,
                duration,
                connections,
                load.statuses(),
                l.accepted() / seconds,
                l.submits().getValueAtPercentile(50) / 1000.0,
                l.submits().getValueAtPercentile(99) / 1000.0,
                stored / seconds,
                answeredPerSecond,
                l.answered(),
                l.watched().scale(),
                l.watched().skipped(),
                l.backlog(),
                drained);
        Histogram e2e = watch.submitToAnswer();
        System.out.printf(
                "  submit -> answer seen, watched jobs of this run: p50 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                e2e.getValueAtPercentile(50) / 1000.0,
                e2e.getValueAtPercentile(99) / 1000.0,
                e2e.getMaxValue() / 1000.0);
        StoredJobs.printStages(db, watch.takeAnswers());
        DispatcherFigures.Times.of(serve.broker().registry())
                .since(dispatcherBefore)
                .print();
        DispatcherFigures.printStreamThread(serve.broker().registry());
        TopicRecords.print(recordsBefore, TopicRecords.count(serve.broker().bootstrapServers()), l.accepted());
        long jobs = Math.max(1, l.accepted());
        Run r = new Run(
                l.accepted() / seconds,
                stored / seconds,
                answeredPerSecond,
                l.backlog(),
                drained,
                before.jvmCpu(after) / 1e6 / jobs,
                before.postgresCpu(after) / 1e6 / jobs,
                before.clientCpu(after) / 1e6 / jobs);
        printCpu(before, after, r);
        HeapWatch.Window h = heap.window(heapFrom, System.nanoTime());
        System.out.printf(
                "  heap: used max %.0f MiB, %s%n",
                ProcessUsage.mib(h.maxUsed()),
                h.collections() == 0
                        ? "no collection"
                        : String.format(
                                "after GC max %.0f MiB (%d collections)",
                                ProcessUsage.mib(h.maxAfterGc()), h.collections()));
        return r;
    }

    /** What a window of load saw: its bounds, the jobs accepted and answered in it, the backlog left. */
    private record Load(
            Instant from,
            Instant to,
            long accepted,
            long answered,
            ResultWatch.Counts watched,
            long backlog,
            Histogram submits) {}

    /** {@code --duration} seconds of load, the backlog printed each second; returns once every submit is answered. */
    private Load load(String phase) throws Exception {
        long accepted0 = load.accepted();
        long answered0 = watch.counts().answered();
        load.latency();
        Instant from = Instant.now();
        ScheduledExecutorService ticker = tick(phase);
        load.start();
        pause(duration);
        Instant to = Instant.now();
        long accepted = load.accepted() - accepted0;
        ResultWatch.Counts counts = watch.counts();
        long backlog = load.accepted() - serve.storedResults();
        load.stop();
        ticker.shutdownNow();
        return new Load(from, to, accepted, counts.answered() - answered0, counts, backlog, load.latency());
    }

    private static void printCpu(ProcessUsage.Snapshot before, ProcessUsage.Snapshot after, Run r) {
        double seconds = before.seconds(after);
        System.out.printf(
                "  CPU per accepted job over load and drain (%.0f s): this JVM %.3f ms (of which the benchmark's"
                        + " client %.3f ms), PostgreSQL %.3f ms; the JVM used %.2f cores on average%n",
                seconds,
                r.cpuMsPerJob(),
                r.clientCpuMsPerJob(),
                r.postgresCpuMsPerJob(),
                before.jvmCpu(after) / 1e9 / seconds);
        ProcessUsage.printTopThreads(before, after, 12, true);
    }

    /**
     * Prints, once a second: jobs accepted and results stored in that second, and the backlog
     * (accepted minus stored) with the watched jobs still waited for.
     */
    private ScheduledExecutorService tick(String phase) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipeline-ticker");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        long[] last = {load.accepted(), serve.storedResults()};
        ticker.scheduleAtFixedRate(
                () -> {
                    long accepted = load.accepted();
                    long stored = serve.storedResults();
                    System.out.printf(
                            "  [%s +%3ds] accepted %6d/s  stored %6d/s  backlog %8d  watched jobs waiting %d%n",
                            phase,
                            Math.round((System.nanoTime() - start) / 1e9),
                            accepted - last[0],
                            stored - last[1],
                            accepted - stored,
                            watch.waiting());
                    last[0] = accepted;
                    last[1] = stored;
                },
                1,
                1,
                TimeUnit.SECONDS);
        return ticker;
    }

    /**
     * Waits until the store has as many results as jobs were accepted, printing the backlog each
     * second when {@code phase} is given; returns the seconds it took.
     */
    private double drain(@Nullable String phase) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(drainTimeout);
        ScheduledExecutorService ticker = phase == null ? null : tick(phase);
        try {
            while (serve.storedResults() < load.accepted()) {
                if (System.nanoTime() > deadline) {
                    System.out.printf(
                            "  drain: %d jobs still not stored after %d s%n",
                            load.accepted() - serve.storedResults(), drainTimeout);
                    break;
                }
                new CountDownLatch(1).await(20, TimeUnit.MILLISECONDS);
            }
        } finally {
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Every accepted job must be in the store as succeeded; prints what is not. */
    private boolean verify(Connection db) throws Exception {
        Map<String, Long> byStatus = StoredJobs.byStatus(db);
        long accepted = load.accepted();
        long rows = byStatus.values().stream().mapToLong(Long::longValue).sum();
        long succeeded = byStatus.getOrDefault(JobStatus.SUCCEEDED.wireName(), 0L);
        long unfinished = byStatus.entrySet().stream()
                .filter(e ->
                        JobStatus.fromWire(e.getKey()).map(s -> !s.isTerminal()).orElse(true))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long failedSubmits = load.statuses().getOrDefault(-1, 0L);
        System.out.printf(
                "%ncheck: %d jobs accepted in all (answers %s); the store holds %d jobs %s:"
                        + " lost (accepted, not stored) %d, unfinished %d, ended otherwise than succeeded %d%n",
                accepted,
                load.statuses(),
                rows,
                byStatus,
                Math.max(0, accepted - rows),
                unfinished,
                rows - succeeded - unfinished);
        if (rows > accepted) {
            System.out.printf(
                    "  %d more jobs stored than accepted: submits that failed on the client (%d) but reached Kafka;"
                            + " they can hide as many lost jobs%n",
                    rows - accepted, failedSubmits);
        }
        boolean complete = succeeded >= accepted && unfinished == 0;
        System.out.println(
                complete
                        ? "every accepted job is stored as succeeded"
                        : "FAILED: not every accepted job is stored as succeeded");
        return complete;
    }

    private static void printMemory(ServePostgres postgres) {
        System.out.printf(
                "memory at the end: heap used after a full GC %.0f MiB, this JVM's RSS %.0f MiB; PostgreSQL's"
                        + " processes %.0f MiB (PSS)%n",
                ProcessUsage.mib(ProcessUsage.heapAfterGc()),
                ProcessUsage.mib(ProcessUsage.rssBytes()),
                ProcessUsage.mib(postgres.pssBytes()));
    }

    private void printTable(List<Run> results) {
        System.out.printf(
                "%n| run (%d connections, %d s) | accepted/s | stored/s (a) | answered/s (b) | backlog at end |"
                        + " drain s | JVM CPU ms/job | PostgreSQL CPU ms/job |%n",
                connections, duration);
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < results.size(); i++) {
            Run r = results.get(i);
            System.out.printf(
                    "| %d | %.0f | %.0f | %.0f | %d | %.1f | %.3f | %.3f |%n",
                    i + 1,
                    r.acceptedPerSecond(),
                    r.storedPerSecond(),
                    r.answeredPerSecond(),
                    r.backlogAtEnd(),
                    r.drainSeconds(),
                    r.cpuMsPerJob(),
                    r.postgresCpuMsPerJob());
        }
        System.out.printf(
                "| median | %.0f | %.0f | %.0f | %.0f | %.1f | %.3f | %.3f |%n",
                median(results, Run::acceptedPerSecond),
                median(results, Run::storedPerSecond),
                median(results, Run::answeredPerSecond),
                median(results, r -> r.backlogAtEnd()),
                median(results, Run::drainSeconds),
                median(results, Run::cpuMsPerJob),
                median(results, Run::postgresCpuMsPerJob));
    }

    private static double median(List<Run> results, ToDoubleFunction<Run> f) {
        double[] v = results.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n == 0 ? 0 : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Waits out a measured period: the benchmark's clock, not synchronisation. */
    private static void pause(int seconds) throws InterruptedException {
        new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
    }
}
