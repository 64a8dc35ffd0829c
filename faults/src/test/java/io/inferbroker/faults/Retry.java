package io.inferbroker.faults;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client step again after a pause until it is done or a deadline passes, without a thread
 * waiting in between: each pause is a task on the scheduler, each step runs on a virtual thread.
 */
final class Retry {
    private final ScheduledExecutorService scheduler;
    private final ExecutorService steps;

    Retry(ScheduledExecutorService scheduler, ExecutorService steps) {
        this.scheduler = scheduler;
        this.steps = steps;
    }

    /** What one step came to. */
    sealed interface Outcome<T> {
        record Done<T>(T value) implements Outcome<T> {}

        record Again<T>(Duration after) implements Outcome<T> {}

        record GiveUp<T>() implements Outcome<T> {}
    }

    /** A step of a client: blocking is fine, it runs on a virtual thread. */
    @FunctionalInterface
    interface Step<T> {
        Outcome<T> run(int attempt) throws Exception;
    }

    <T> CompletableFuture<Optional<T>> until(Step<T> step, long deadlineNanos) {
        CompletableFuture<Optional<T>> result = new CompletableFuture<>();
        submit(step, 1, deadlineNanos, result);
        return result;
    }

    private <T> void submit(Step<T> step, int attempt, long deadline, CompletableFuture<Optional<T>> result) {
        try {
            steps.execute(() -> run(step, attempt, deadline, result));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.complete(Optional.empty());
        }
    }

    private <T> void run(Step<T> step, int attempt, long deadline, CompletableFuture<Optional<T>> result) {
        Outcome<T> outcome;
        try {
            outcome = step.run(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.complete(Optional.empty());
            return;
        } catch (Exception e) {
            outcome = new Outcome.Again<>(Duration.ofMillis(500));
        }
        switch (outcome) {
            case Outcome.Done<T> d -> result.complete(Optional.of(d.value()));
            case Outcome.GiveUp<T> g -> result.complete(Optional.empty());
            case Outcome.Again<T> a -> {
                if (System.nanoTime() + a.after().toNanos() >= deadline) {
                    result.complete(Optional.empty());
                    return;
                }
                try {
                    scheduler.schedule(
                            () -> submit(step, attempt + 1, deadline, result),
                            a.after().toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    result.complete(Optional.empty());
                }
            }
        }
    }
}
