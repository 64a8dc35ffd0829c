package io.inferbroker.worker.sim;

import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.TokenSink;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A simulated model server ("sim-echo"): it runs no model, it echoes each job's input (see
 * {@link EchoPlanner} for the rules) with the timing of a real GPU from a {@link LatencyModel}. A
 * call to {@link #run} is one batch: one shared prefill, then one decode step per token position,
 * the tokens of every job at position {@code k} arriving together after {@code k} steps.
 *
 * <p>Thread-safe. Time is read from the given {@link Clock} and waited for on the given scheduler,
 * so tests can control both.
 */
public final class SimulatedModelAdapter implements ModelAdapter {
    /** The {@link #kind()} of the simulator. */
    public static final String KIND = "sim";

    private final LatencyModel latency;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Clock clock;
    private final Set<SimBatch> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A simulator that waits on {@code scheduler}, which the caller owns and shuts down after
     * closing the adapter.
     */
    public SimulatedModelAdapter(LatencyModel latency, ScheduledExecutorService scheduler, Clock clock) {
        this(latency, scheduler, false, clock);
    }

    private SimulatedModelAdapter(
            LatencyModel latency, ScheduledExecutorService scheduler, boolean ownsScheduler, Clock clock) {
        this.latency = latency;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.clock = clock;
    }

    /** A simulator with a scheduler thread of its own, stopped by {@link #close()}. */
    public static SimulatedModelAdapter create(LatencyModel latency, Clock clock) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "sim-" + latency.profile());
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return new SimulatedModelAdapter(latency, scheduler, true, clock);
    }

    public LatencyModel latency() {
        return latency;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "simulator: echoes the input with the timing of " + latency.profile() + " on an H100 (time scale "
                + latency.timeScale() + "); no model runs";
    }

    @Override
    public boolean isSimulator() {
        return true;
    }

    @Override
    public List<CompletableFuture<JobOutcome>> run(String model, List<DispatchedJob> jobs, TokenSink sink) {
        if (closed.get()) {
            return jobs.stream()
                    .map(job -> CompletableFuture.completedFuture(
                            JobOutcome.failed("adapter_closed", "the simulator is closed")))
                    .toList();
        }
        List<EchoPlan> plans = jobs.stream().map(EchoPlanner::plan).toList();
        SimBatch batch = new SimBatch(plans, latency, sink, scheduler, clock, running::remove);
        running.add(batch);
        batch.start();
        return batch.futures();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        JobError reason = new JobError("adapter_closed", "the simulator was closed while the job ran");
        for (SimBatch batch : List.copyOf(running)) {
            batch.stop(reason);
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }
}
