package io.inferbroker.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What an idle {@code serve} costs: a whole broker ({@link SimServe}, every role in this JVM,
 * embedded Kafka and PostgreSQL), ready, optionally after {@code --load-seconds} of the closed-loop
 * submits of {@link PipelineBench} (drained before idling), left alone for {@code --duration}
 * seconds. Reports the CPU used in that window as a share of one core (this JVM, and PostgreSQL's
 * processes apart), the threads that used it (so idle loops can be found), then the heap used after
 * a full collection and the resident memory.
 */
@Command(name = "idle-bench", mixinStandardHelpOptions = true)
public final class IdleBench implements Callable<Integer> {
    @Option(names = "--duration", description = "idle seconds measured (default ${DEFAULT-VALUE})")
    int duration = 60;

    @Option(
            names = "--load-seconds",
            description = "seconds of closed-loop submits before idling, 0 for none (default ${DEFAULT-VALUE})")
    int loadSeconds = 0;

    @Option(names = "--connections", description = "submitting clients of that load (default ${DEFAULT-VALUE})")
    int connections = 64;

    @Option(
            names = "--settle",
            description = "seconds left alone before measuring, after start-up or load (default ${DEFAULT-VALUE})")
    int settle = 10;

    @Option(names = "--top", description = "threads listed (default ${DEFAULT-VALUE})")
    int top = 15;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IdleBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (SimServe serve = SimServe.start("idle-bench")) {
            if (loadSeconds > 0) {
                load(serve);
            }
            ProcessUsage usage = new ProcessUsage(serve.postgres());
            pause(settle);
            ProcessUsage.Snapshot before = usage.snapshot();
            pause(duration);
            ProcessUsage.Snapshot after = usage.snapshot();
            double seconds = before.seconds(after);
            System.out.printf(
                    "idle for %.0f s: this JVM %.2f %% of one core (%.2f s CPU), PostgreSQL's processes %.2f %%"
                            + " (%.2f s)%n",
                    seconds,
                    100.0 * before.jvmCpu(after) / 1e9 / seconds,
                    before.jvmCpu(after) / 1e9,
                    100.0 * before.postgresCpu(after) / 1e9 / seconds,
                    before.postgresCpu(after) / 1e9);
            ProcessUsage.printTopThreads(before, after, top, false);
            long rss = ProcessUsage.rssBytes();
            long heap = ProcessUsage.heapAfterGc();
            System.out.printf(
                    "memory: this JVM's RSS %.0f MiB (%.0f MiB after the full GC), heap used after a full GC %.0f MiB,"
                            + " heap committed %.0f MiB; PostgreSQL's processes %.0f MiB (PSS)%n",
                    ProcessUsage.mib(rss),
                    ProcessUsage.mib(ProcessUsage.rssBytes()),
                    ProcessUsage.mib(heap),
                    ProcessUsage.mib(ManagementFactory.getMemoryMXBean()
                            .getHeapMemoryUsage()
                            .getCommitted()),
                    ProcessUsage.mib(serve.postgres().pssBytes()));
        }
        return 0;
    }

    /** The pipeline benchmark's submits for {@code --load-seconds}, then waits until every job is stored. */
    private void load(SimServe serve) throws Exception {
        long start = System.nanoTime();
        try (SubmitLoad load = new SubmitLoad(serve.base(), serve.key(), connections, null)) {
            load.start();
            pause(loadSeconds);
            load.stop();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (serve.storedResults() < load.accepted() && System.nanoTime() < deadline) {
                new CountDownLatch(1).await(100, TimeUnit.MILLISECONDS);
            }
            System.out.printf(
                    "load: %d jobs accepted in %d s (answers %s), %d stored, %.1f s in all%n",
                    load.accepted(),
                    loadSeconds,
                    load.statuses(),
                    serve.storedResults(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** Waits out a measured period: the benchmark's clock, not synchronisation. */
    private static void pause(int seconds) throws InterruptedException {
        new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
    }
}
