package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One waiter's view of one job in the {@link JobFeed}. A result-only subscription keeps nothing but
 * the terminal result; a streaming one also queues tokens and status changes, at most
 * {@code capacity} of them: one more ends the subscription with {@link FeedEndedException.Reason#OVERFLOW}
 * instead of growing. Thread-safe; the feed thread delivers, one consumer reads. Close it when done.
 */
final class FeedSubscription implements AutoCloseable {
    private final String jobId;
    private final int capacity;
    private final Executor handoff;
    private final Consumer<FeedSubscription> onClose;
    private final CompletableFuture<JobResult> result = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicBoolean closed = new AtomicBoolean();
    private @Nullable ArrayDeque<FeedRecord> queue;
    private @Nullable FeedEndedException ended;

    FeedSubscription(String jobId, int capacity, Executor handoff, Consumer<FeedSubscription> onClose) {
        this.jobId = jobId;
        this.capacity = capacity;
        this.handoff = handoff;
        this.onClose = onClose;
    }

    public String jobId() {
        return jobId;
    }

    /** True when this subscription queues tokens and status changes, not only the result. */
    public boolean streaming() {
        return capacity > 0;
    }

    /**
     * Completes with the job's result, or empty when {@code max} passes first; fails with
     * {@link FeedEndedException} when the subscription ends. Dependent actions never run on the
     * feed's own thread.
     */
    public CompletableFuture<Optional<JobResult>> awaitResult(Duration max) {
        return result.thenApply(Optional::of)
                .completeOnTimeout(Optional.empty(), max.toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync(
                        (r, error) -> {
                            if (error != null) {
                                throw error instanceof CompletionException c ? c : new CompletionException(error);
                            }
                            return r;
                        },
                        handoff);
    }

    /**
     * The next queued record of a streaming subscription, waiting at most {@code timeout}; empty
     * when none came in time.
     *
     * @throws FeedEndedException when the subscription ended and nothing is left to read
     */
    public Optional<FeedRecord> next(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (queue == null || queue.isEmpty()) {
                if (ended != null) {
                    throw ended;
                }
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = changed.awaitNanos(nanos);
            }
            return Optional.of(queue.poll());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by the feed thread for each record of this job.
     *
     * @return true when this record found the queue full and ended the subscription with {@link
     *     FeedEndedException.Reason#OVERFLOW}
     */
    boolean deliver(FeedRecord record) {
        if (record instanceof FeedRecord.Result r) {
            result.complete(r.result());
        }
        if (!streaming()) {
            return false;
        }
        lock.lock();
        try {
            if (ended != null) {
                return false;
            }
            if (queue == null) {
                queue = new ArrayDeque<>();
            }
            if (queue.size() >= capacity) {
                queue.clear();
                endLocked(new FeedEndedException(
                        jobId,
                        FeedEndedException.Reason.OVERFLOW,
                        "more than " + capacity + " records were waiting to be sent; the client reads too slowly"));
                return true;
            }
            queue.add(record);
            changed.signalAll();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the subscription: readers see {@code reason} once the queue is drained. */
    void end(FeedEndedException reason) {
        lock.lock();
        try {
            endLocked(reason);
        } finally {
            lock.unlock();
        }
    }

    private void endLocked(FeedEndedException reason) {
        if (ended == null) {
            ended = reason;
            result.completeExceptionally(reason);
            changed.signalAll();
        }
    }

    /** Unsubscribes; a pending {@link #awaitResult} fails with {@link FeedEndedException.Reason#CLOSED}. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            end(new FeedEndedException(jobId, FeedEndedException.Reason.CLOSED, "closed by its subscriber"));
            onClose.accept(this);
        }
    }
}
