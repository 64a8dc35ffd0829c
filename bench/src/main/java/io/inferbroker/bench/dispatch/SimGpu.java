package io.inferbroker.bench.dispatch;

import io.inferbroker.worker.sim.LatencyModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One simulated GPU worker on a simulated clock, batching continuously the way LLM servers do:
 * sequences the dispatcher sent join the running batch at the next decode step (paying a prefill for
 * the joiners), every step generates one token for each running sequence and lasts
 * {@link LatencyModel#step(int)} for the batch's size, and a sequence leaves once it has its
 * {@link #NEW_TOKENS} tokens. At most {@code capacity} sequences run at once. Single-threaded.
 */
final class SimGpu {
    static final int PROMPT_TOKENS = 256;
    static final int NEW_TOKENS = 128;

    private record Seq(String jobId, int left) {}

    final String id;
    final LatencyModel latency;
    final int capacity;
    final double pricePerJob;
    private final Deque<String> pending = new ArrayDeque<>();
    private List<Seq> running = new ArrayList<>();
    private double stepEndMs = Double.NaN;
    private double busyMs;
    /** Moving average of step time, prefills included: what a real worker measures and reports. */
    private double stepEwmaMs = Double.NaN;

    private double sequenceMs;

    SimGpu(String id, LatencyModel latency, int capacity, double pricePerJob) {
        this.id = id;
        this.latency = latency;
        this.capacity = capacity;
        this.pricePerJob = pricePerJob;
    }

    void accept(List<String> jobIds, double nowMs, BiConsumer<String, Double> started) {
        pending.addAll(jobIds);
        if (running.isEmpty() && Double.isNaN(stepEndMs)) {
            startStep(nowMs, started);
        }
    }

    /** Runs every step that ends by {@code nowMs}; reports finished jobs with their end time. */
    void advanceTo(double nowMs, BiConsumer<String, Double> started, BiConsumer<String, Double> finished) {
        while (!Double.isNaN(stepEndMs) && stepEndMs <= nowMs) {
            double end = stepEndMs;
            List<Seq> next = new ArrayList<>(running.size());
            for (Seq s : running) {
                if (s.left() <= 1) {
                    finished.accept(s.jobId(), end);
                } else {
                    next.add(new Seq(s.jobId(), s.left() - 1));
                }
            }
            running = next;
            stepEndMs = Double.NaN;
            startStep(end, started);
        }
    }

    private void startStep(double atMs, BiConsumer<String, Double> started) {
        int joined = 0;
        while (running.size() < capacity && !pending.isEmpty()) {
            String jobId = pending.poll();
            running.add(new Seq(jobId, NEW_TOKENS));
            started.accept(jobId, atMs);
            joined++;
        }
        if (running.isEmpty()) {
            return;
        }
        double ms = latency.step(running.size()).toNanos() / 1e6;
        if (joined > 0) {
            ms += latency.prefill(joined, PROMPT_TOKENS).toNanos() / 1e6;
        }
        busyMs += ms;
        stepEwmaMs = Double.isNaN(stepEwmaMs) ? ms : 0.9 * stepEwmaMs + 0.1 * ms;
        sequenceMs += ms * running.size();
        stepEndMs = atMs + ms;
    }

    int inFlight() {
        return running.size() + pending.size();
    }

    /** Time to first token (prefill of one plus a step) and per-sequence tokens/s at the current batch. */
    double ttftMs() {
        int b = Math.max(1, running.size());
        return (latency.prefill(1, PROMPT_TOKENS).toNanos() + latency.step(b).toNanos()) / 1e6;
    }

    /** Tokens per second of one sequence as measured (moving average of recent steps). */
    double tokensPerSecondPerSequence() {
        double ms = Double.isNaN(stepEwmaMs) ? latency.step(1).toNanos() / 1e6 : stepEwmaMs;
        return 1000.0 / ms;
    }

    double busyMs() {
        return busyMs;
    }

    /** Sequence-milliseconds run: busy time weighted by how many sequences ran. */
    double sequenceMs() {
        return sequenceMs;
    }
}
