package io.inferbroker.bench.dispatch;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.LeastLoadedPolicy;
import io.inferbroker.dispatcher.ModelBatching;
import io.inferbroker.dispatcher.ModelRouting;
import io.inferbroker.dispatcher.RoutingPolicy;
import io.inferbroker.dispatcher.RoutingStrategy;
import io.inferbroker.worker.sim.LatencyModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.IntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The dispatcher's batching and routing on a simulated fleet whose timing follows the measured H100
 * batch curve ({@link LatencyModel}, profile {@code llama-1.1b}): the real topology runs in
 * {@code TopologyTestDriver} on a simulated wall clock (no Kafka, no sleeping), so a minute of fleet
 * time takes seconds and runs are repeatable by seed.
 *
 * <p>Batching: no batching (each GPU runs one sequence at a time, the dispatcher sends jobs one by
 * one) vs the dispatcher's batching (GPUs batch continuously up to 128 sequences, the dispatcher
 * keeps them fed) vs the ideal (every GPU always at its best batch size of the curve), at saturation
 * and at 30 % load. Routing: a mixed fleet (cheap GPUs at half speed, dear ones at full speed) under
 * {@code cost} routing vs round robin vs least-loaded, against the cheapest split that meets the
 * deadlines.
 */
@Command(name = "batching-bench", mixinStandardHelpOptions = true)
public final class BatchingBench implements Callable<Integer> {
    private static final String PROFILE = "llama-1.1b";
    private static final int CAPACITY = 128;
    private static final Duration MAX_QUEUE_DELAY = Duration.ofMillis(20);
    private static final int MAX_BATCH = 32;
    /** Groups a busy GPU's joins, so its prefill is paid less often (see ModelBatching#sizeToSend). */
    private static final List<Integer> PREFERRED = List.of(16, 32);

    @Option(names = "--gpus", description = "GPUs in the batching fleet (default ${DEFAULT-VALUE})")
    int gpus = 4;

    @Option(names = "--warmup", description = "simulated warm-up seconds (default ${DEFAULT-VALUE})")
    int warmup = 20;

    @Option(names = "--duration", description = "simulated measured seconds (default ${DEFAULT-VALUE})")
    int duration = 40;

    @Option(
            names = "--runs",
            description = "runs per case, different seeds; medians reported (default ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(names = "--deadline", description = "job deadline in the routing runs, seconds (default ${DEFAULT-VALUE})")
    int deadline = 15;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BatchingBench()).execute(args));
    }

    @Override
    public Integer call() {
        batching();
        routing();
        return 0;
    }

    private void batching() {
        LatencyModel model = LatencyModel.load(PROFILE, 1.0);
        double ideal = gpus * bestJobsPerSecond(model);
        DispatcherConfig batched =
                FleetRun.config().withModel(FleetRun.MODEL, new ModelBatching(MAX_BATCH, MAX_QUEUE_DELAY, PREFERRED));
        DispatcherConfig single = FleetRun.config().withModel(FleetRun.MODEL, new ModelBatching(1, Duration.ZERO));
        IntFunction<List<SimGpu>> fleet = cap -> {
            List<SimGpu> out = new ArrayList<>();
            for (int i = 0; i < gpus; i++) {
                out.add(new SimGpu("gpu-" + i, model, cap, 0));
            }
            return out;
        };
        double saturated = 1.5 * ideal;
        FleetRun.Stats none = median(
                seed -> new FleetRun().run(single, null, fleet.apply(1), saturated, warm(), measured(), null, seed));
        FleetRun.Stats full = median(seed ->
                new FleetRun().run(batched, null, fleet.apply(CAPACITY), saturated, warm(), measured(), null, seed));
        FleetRun.Stats light = median(seed ->
                new FleetRun().run(batched, null, fleet.apply(CAPACITY), 0.3 * ideal, warm(), measured(), null, seed));
        System.out.printf(
                Locale.ROOT,
                "%n## Batching: %d x %s GPUs (capacity %d), max_batch_size %d, max_queue_delay %d ms, %d runs, medians%n%n",
                gpus,
                PROFILE,
                CAPACITY,
                MAX_BATCH,
                MAX_QUEUE_DELAY.toMillis(),
                runs);
        System.out.println("| case | offered jobs/s | completed jobs/s | vs ideal | wait p50 ms | wait p99 ms"
                + " | dispatcher p99 ms | GPU occupancy | mean batch |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        System.out.printf(
                Locale.ROOT, "| ideal (always batch %d) | | %.1f | 100 %% | | | | 100 %% | |%n", CAPACITY, ideal);
        row("no batching, saturated", saturated, none, ideal);
        row("dispatcher batching, saturated", saturated, full, ideal);
        row("dispatcher batching, 30 % load", 0.3 * ideal, light, ideal);
        double batchMs = (model.step(CAPACITY).toNanos()
                        + model.prefill(MAX_BATCH, SimGpu.PROMPT_TOKENS).toNanos())
                / 1e6;
        System.out.printf(
                Locale.ROOT,
                "%nTargets: saturated >= 90 %% of ideal: %.1f %%; >= 10x unbatched: %.0fx; wait p99 at 30 %% load <="
                        + " max_queue_delay + one batch step (%d + %.0f ms): %.1f ms%n",
                100 * full.jobsPerSecond() / ideal,
                full.jobsPerSecond() / none.jobsPerSecond(),
                MAX_QUEUE_DELAY.toMillis(),
                batchMs,
                light.p99WaitMs());
    }

    private void routing() {
        LatencyModel fast = LatencyModel.load(PROFILE, 1.0);
        LatencyModel slow = LatencyModel.load(PROFILE, 2.0);
        double cheapPrice = 0.2 * SimGpu.NEW_TOKENS / 1e6;
        double dearPrice = 1.0 * SimGpu.NEW_TOKENS / 1e6;
        // A lower bound of the cost: the cheap GPUs always at their best batch size (as the ideal
        // above), only the rest on the dear ones; every job then meets the deadline.
        double cheapCapacity = 2 * bestJobsPerSecond(slow);
        double rate = 1.3 * cheapCapacity;
        DispatcherConfig config = FleetRun.config()
                .withModel(FleetRun.MODEL, new ModelBatching(MAX_BATCH, MAX_QUEUE_DELAY, PREFERRED))
                .withRouting(FleetRun.MODEL, ModelRouting.of(RoutingStrategy.COST));
        Function<RoutingPolicy, Function<Long, FleetRun.Stats>> with = policy -> seed -> runAndShow(
                new FleetRun(),
                f -> f.run(
                        config,
                        policy,
                        List.of(
                                new SimGpu("cheap-1", slow, CAPACITY, cheapPrice),
                                new SimGpu("cheap-2", slow, CAPACITY, cheapPrice),
                                new SimGpu("dear-1", fast, CAPACITY, dearPrice),
                                new SimGpu("dear-2", fast, CAPACITY, dearPrice)),
                        rate,
                        warm(),
                        measured(),
                        deadline * 1000L,
                        seed));
        double optimum = (Math.min(rate, cheapCapacity) * cheapPrice + Math.max(0, rate - cheapCapacity) * dearPrice)
                / rate
                * 1000;
        System.out.printf(
                Locale.ROOT,
                "%n## Cost routing: 2 cheap GPUs (half speed, 0.20 per 1M output tokens) + 2 dear (full speed, 1.00),"
                        + " %.1f jobs/s offered (1.3x the cheap GPUs' capacity), deadline %d s, %d runs, medians%n%n",
                rate,
                deadline,
                runs);
        System.out.println(
                "| routing | completed jobs/s | cost per 1k jobs | vs optimum | deadlines met | wait p99 ms |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.printf(
                Locale.ROOT,
                "| optimum: cheap GPUs at their ideal %.1f jobs/s, the rest on dear | | %.4f | 0.0 %% | | |%n",
                cheapCapacity,
                optimum);
        costRow("cost", median(with.apply(null)), optimum);
        costRow("round robin", median(with.apply(new RoundRobinPolicy())), optimum);
        costRow("least-loaded", median(with.apply(new LeastLoadedPolicy())), optimum);
    }

    private static FleetRun.Stats runAndShow(FleetRun run, Function<FleetRun, FleetRun.Stats> body) {
        FleetRun.Stats stats = body.apply(run);
        if (Boolean.getBoolean("bench.verbose")) {
            System.err.println("completed per GPU: " + new java.util.TreeMap<>(run.completedPerGpu()));
        }
        return stats;
    }

    private static void row(String name, double offered, FleetRun.Stats s, double ideal) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.1f | %.1f %% | %.1f | %.1f | %.1f | %.1f %% | %.1f |%n",
                name,
                offered,
                s.jobsPerSecond(),
                100 * s.jobsPerSecond() / ideal,
                s.p50WaitMs(),
                s.p99WaitMs(),
                s.p99DispatchMs(),
                100 * s.occupancy(),
                s.meanBatch());
    }

    private static void costRow(String name, FleetRun.Stats s, double optimum) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.4f | %+.1f %% | %.1f %% | %.0f |%n",
                name,
                s.jobsPerSecond(),
                s.costPer1k(),
                100 * (s.costPer1k() - optimum) / optimum,
                100 * s.deadlineMet(),
                s.p99WaitMs());
    }

    /** Jobs per second of one GPU always at its best batch size: max over the curve of b / (prefill + 128 steps). */
    static double bestJobsPerSecond(LatencyModel model) {
        double best = 0;
        for (int b = model.minBatch(); b <= model.maxBatch(); b++) {
            double seconds = (model.prefill(b, SimGpu.PROMPT_TOKENS).toNanos()
                            + SimGpu.NEW_TOKENS * model.step(b).toNanos())
                    / 1e9;
            best = Math.max(best, b / seconds);
        }
        return best;
    }

    private FleetRun.Stats median(Function<Long, FleetRun.Stats> run) {
        List<FleetRun.Stats> all = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            all.add(run.apply(42L + i));
        }
        return new FleetRun.Stats(
                mid(all, FleetRun.Stats::jobsPerSecond),
                mid(all, FleetRun.Stats::p50WaitMs),
                mid(all, FleetRun.Stats::p99WaitMs),
                mid(all, FleetRun.Stats::p99DispatchMs),
                mid(all, FleetRun.Stats::occupancy),
                mid(all, FleetRun.Stats::costPer1k),
                mid(all, FleetRun.Stats::deadlineMet),
                mid(all, FleetRun.Stats::meanBatch));
    }

    private static double mid(List<FleetRun.Stats> all, java.util.function.ToDoubleFunction<FleetRun.Stats> f) {
        double[] v = all.stream().mapToDouble(f).sorted().toArray();
        return v[v.length / 2];
    }

    private Duration warm() {
        return Duration.ofSeconds(warmup);
    }

    private Duration measured() {
        return Duration.ofSeconds(duration);
    }
}
