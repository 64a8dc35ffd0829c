package io.inferbroker.worker.sim;

import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.Usage;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.TokenSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One simulated forward run: the whole batch shares one prefill, then every decode step emits the
 * token at the next position of every sequence still generating. Steps are scheduled one after
 * the other against a running due time read from the clock, so scheduler lateness does not add up.
 * Thread-safe: steps and {@link #stop} synchronize on the batch.
 */
final class SimBatch {
    private final List<EchoPlan> plans;
    private final List<CompletableFuture<JobOutcome>> futures;
    private final int[] emitted;
    private final TokenSink sink;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration prefill;
    private final Duration step;
    private final Consumer<SimBatch> onFinished;
    private Instant due = Instant.EPOCH;
    private int position;
    private @Nullable ScheduledFuture<?> next;

    SimBatch(
            List<EchoPlan> plans,
            LatencyModel latency,
            TokenSink sink,
            ScheduledExecutorService scheduler,
            Clock clock,
            Consumer<SimBatch> onFinished) {
        this.plans = List.copyOf(plans);
        this.futures = new ArrayList<>(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            futures.add(new CompletableFuture<>());
        }
        this.emitted = new int[plans.size()];
        this.sink = sink;
        this.scheduler = scheduler;
        this.clock = clock;
        int longestPrompt =
                plans.stream().mapToInt(EchoPlan::promptTokens).max().orElse(0);
        this.prefill = latency.prefill(plans.size(), longestPrompt);
        this.step = latency.step(plans.size());
        this.onFinished = onFinished;
    }

    List<CompletableFuture<JobOutcome>> futures() {
        return List.copyOf(futures);
    }

    synchronized void start() {
        due = clock.instant().plus(prefill);
        schedule(this::afterPrefill);
    }

    /** Fails every unfinished job with {@code reason} and schedules nothing more. */
    synchronized void stop(JobError reason) {
        if (next != null) {
            next.cancel(false);
        }
        for (int i = 0; i < plans.size(); i++) {
            complete(i, new JobOutcome.Failed(reason, partialUsage(i)));
        }
        onFinished.accept(this);
    }

    private synchronized void afterPrefill() {
        for (int i = 0; i < plans.size(); i++) {
            switch (plans.get(i)) {
                case EchoPlan.Immediate immediate -> complete(i, immediate.outcome());
                case EchoPlan.Invalid invalid -> complete(i, new JobOutcome.Failed(invalid.error(), null));
                case EchoPlan.Text text -> {
                    if (text.tokens().isEmpty()) {
                        complete(i, text.outcome());
                    }
                }
            }
        }
        advance();
    }

    private synchronized void emitPosition() {
        position++;
        for (int i = 0; i < plans.size(); i++) {
            if (plans.get(i) instanceof EchoPlan.Text text
                    && !futures.get(i).isDone()
                    && text.tokens().size() >= position) {
                emit(i, text);
            }
        }
        advance();
    }

    private void emit(int i, EchoPlan.Text text) {
        try {
            sink.token(text.jobId(), 0, text.tokens().get(position - 1));
        } catch (RuntimeException e) {
            complete(i, new JobOutcome.Failed(new JobError("token_sink_failed", e.toString()), partialUsage(i)));
            return;
        }
        emitted[i]++;
        if (position == text.tokens().size()) {
            complete(i, text.outcome());
        }
    }

    private void advance() {
        boolean generating = false;
        for (int i = 0; i < plans.size(); i++) {
            generating |= !futures.get(i).isDone();
        }
        if (generating) {
            due = due.plus(step);
            schedule(this::emitPosition);
        } else {
            onFinished.accept(this);
        }
    }

    private void schedule(Runnable task) {
        long delay = Math.max(0, Duration.between(clock.instant(), due).toNanos());
        try {
            next = scheduler.schedule(() -> guarded(task), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            stop(new JobError("adapter_closed", "the simulator's scheduler no longer accepts work"));
        }
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            stop(new JobError("simulator_error", e.toString()));
        }
    }

    private void complete(int i, JobOutcome outcome) {
        futures.get(i).complete(outcome);
    }

    private @Nullable Usage partialUsage(int i) {
        return plans.get(i) instanceof EchoPlan.Invalid
                ? null
                : new Usage(plans.get(i).promptTokens(), emitted[i]);
    }
}
