package io.inferbroker.worker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.Usage;
import io.inferbroker.worker.JobOutcome;
import io.micrometer.core.instrument.LongTaskTimer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of one job on this worker, from its start to its published result: the STARTED
 * event, one token delta per token ({@code seq} from 1), then the result and the terminal event,
 * all keyed by job id. The price is the worker's price for the batch's model when the run was
 * created: a later change
 * applies to new work only. Thread-safe.
 */
final class JobRun {
    private final DispatchBatch batch;
    private final DispatchedJob job;
    private final int batchSize;
    private final RunContext context;
    private final Price price;
    private final List<CompletableFuture<Void>> sends = new ArrayList<>();
    private @Nullable Instant startedAt;
    private @Nullable Instant firstTokenAt;
    private @Nullable Instant lastTokenAt;
    private long seq;
    private LongTaskTimer.@Nullable Sample running;
    private boolean finished;

    /** @param batchSize sequences that run together with this one (its GPU time is shared) */
    public JobRun(DispatchBatch batch, DispatchedJob job, int batchSize, RunContext context) {
        this.batch = batch;
        this.job = job;
        this.batchSize = batchSize;
        this.context = context;
        this.price = context.prices().forModel(batch.model());
    }

    public DispatchedJob job() {
        return job;
    }

    /** Marks the job running and publishes its STARTED event. */
    public synchronized void start() {
        startedAt = context.clock().instant();
        running = context.metrics().started(batch.model());
        sends.add(context.publisher().event(event(LifecycleType.STARTED, startedAt, null)));
    }

    /** Publishes one token; ignored once the job finished. */
    public synchronized void token(int index, String text) {
        if (finished) {
            return;
        }
        Instant now = context.clock().instant();
        if (firstTokenAt == null) {
            firstTokenAt = now;
            if (startedAt != null) {
                context.metrics().firstToken(batch.model(), Duration.between(startedAt, now));
            }
        }
        lastTokenAt = now;
        seq++;
        sends.add(context.publisher()
                .token(new TokenDelta(TokenDelta.VERSION, job.jobId(), job.attempt(), seq, index, text, now)));
        context.metrics().token(batch.model());
    }

    /**
     * Publishes the result of {@code outcome} and the terminal event.
     *
     * @return completes with the result once every record of this run is acknowledged, or
     *     exceptionally when any of them could not be published
     */
    public CompletableFuture<JobResult> finish(JobOutcome outcome) {
        return switch (outcome) {
            case JobOutcome.Succeeded s -> end(JobStatus.SUCCEEDED, s.output(), null, s.usage());
            case JobOutcome.Failed f -> end(JobStatus.FAILED, null, f.error(), f.partialUsage());
        };
    }

    /** Ends a job that was canceled while it ran, charging what it used. */
    public CompletableFuture<JobResult> cancel(@Nullable Usage used) {
        return end(JobStatus.CANCELED, null, new JobError("canceled", "the job was canceled while it ran"), used);
    }

    /** Ends a job that never started (expired, or a model this worker does not serve). */
    public CompletableFuture<JobResult> refuse(JobStatus status, JobError error) {
        return end(status, null, error, null);
    }

    /** Drops the job without publishing anything more (the worker is going away). */
    public synchronized void abandon() {
        finished = true;
        if (running != null) {
            running.stop();
            running = null;
        }
    }

    private synchronized CompletableFuture<JobResult> end(
            JobStatus status, @Nullable JsonNode output, @Nullable JobError error, @Nullable Usage usage) {
        if (finished) {
            throw new IllegalStateException("job " + job.jobId() + " already finished");
        }
        finished = true;
        // A job that generated its output completed with its last token; reading the clock here would
        // add however long the hand-off from the model took.
        Instant completedAt = status == JobStatus.SUCCEEDED && lastTokenAt != null
                ? lastTokenAt
                : context.clock().instant();
        Duration runTime = startedAt == null ? Duration.ZERO : Duration.between(startedAt, completedAt);
        JobResult result = new JobResult(
                JobResult.VERSION,
                job.jobId(),
                job.tenantId(),
                batch.model(),
                status,
                output,
                error,
                usage,
                JobCost.of(price, usage, JobCost.gpuShare(runTime, batchSize)),
                context.workerId(),
                job.attempt(),
                new Timings(job.acceptedAt(), batch.dispatchedAt(), startedAt, firstTokenAt, completedAt));
        sends.add(context.publisher().result(result, batch.replyPartition()));
        sends.add(context.publisher().event(event(terminalType(status), completedAt, error)));
        if (running != null) {
            running.stop();
        }
        context.metrics().jobFinished(batch.model(), status.wireName());
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(ignored -> result);
    }

    private LifecycleEvent event(LifecycleType type, Instant at, @Nullable JobError error) {
        return new LifecycleEvent(
                LifecycleEvent.VERSION,
                job.jobId(),
                job.tenantId(),
                batch.model(),
                type,
                at,
                context.workerId(),
                job.attempt(),
                error);
    }

    private static LifecycleType terminalType(JobStatus status) {
        return switch (status) {
            case SUCCEEDED -> LifecycleType.SUCCEEDED;
            case EXPIRED -> LifecycleType.EXPIRED;
            case CANCELED -> LifecycleType.CANCELED;
            case REJECTED -> LifecycleType.REJECTED;
            case FAILED, QUEUED, DISPATCHED, RUNNING -> LifecycleType.FAILED;
        };
    }
}
