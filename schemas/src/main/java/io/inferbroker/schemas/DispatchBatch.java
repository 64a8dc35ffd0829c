package io.inferbroker.schemas;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Value of the dispatch topic (key: worker id): a batch of jobs for one model on one worker.
 *
 * @param cancel ids of jobs this worker is running (from earlier batches) that were canceled: the
 *     worker should stop them and report them canceled. Absent (null) on most batches; a batch that
 *     only carries cancels has no jobs.
 * @param replyPartition the partition of the results topic the worker writes these jobs' results to
 *     (the dispatcher task that owns the queue reads it directly); absent: the default partitioning
 * @param workerInstance the run of the worker the jobs are for ({@link WorkerStatus#instance()} when
 *     the batch was sent): a worker of another instance skips them, and the dispatcher dispatches
 *     them again once it sees that instance. Absent (null): any run of the worker takes the batch
 */
public record DispatchBatch(
        int schemaVersion,
        String batchId,
        String workerId,
        String model,
        Instant dispatchedAt,
        List<DispatchedJob> jobs,
        @Nullable List<String> cancel,
        @Nullable Integer replyPartition,
        @Nullable String workerInstance) {

    public static final int VERSION = 1;

    public DispatchBatch {
        jobs = List.copyOf(jobs);
        cancel = cancel == null || cancel.isEmpty() ? null : List.copyOf(cancel);
    }

    /** A batch for any run of the worker. */
    public DispatchBatch(
            int schemaVersion,
            String batchId,
            String workerId,
            String model,
            Instant dispatchedAt,
            List<DispatchedJob> jobs,
            @Nullable List<String> cancel,
            @Nullable Integer replyPartition) {
        this(schemaVersion, batchId, workerId, model, dispatchedAt, jobs, cancel, replyPartition, null);
    }

    /** A batch without a reply partition. */
    public DispatchBatch(
            int schemaVersion,
            String batchId,
            String workerId,
            String model,
            Instant dispatchedAt,
            List<DispatchedJob> jobs,
            @Nullable List<String> cancel) {
        this(schemaVersion, batchId, workerId, model, dispatchedAt, jobs, cancel, null, null);
    }

    /** A batch of jobs with no cancels. */
    public DispatchBatch(
            int schemaVersion,
            String batchId,
            String workerId,
            String model,
            Instant dispatchedAt,
            List<DispatchedJob> jobs) {
        this(schemaVersion, batchId, workerId, model, dispatchedAt, jobs, null, null, null);
    }

    /** True when this batch's jobs are for {@code instance}: it names no instance, or that one. */
    public boolean isFor(@Nullable String instance) {
        return workerInstance == null || workerInstance.equals(instance);
    }

    /** The ids of jobs to cancel on the worker; empty when none. */
    public List<String> cancelJobIds() {
        return cancel == null ? List.of() : cancel;
    }
}
