package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Timings;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The records the dispatcher publishes about jobs. Attempt numbers: 0 while a job has not been sent
 * to a worker (queued, or ended while queued), 1 for the first dispatch, one more for each dispatch
 * after a failover.
 */
final class JobOutcomes {
    static final String DEADLINE_EXCEEDED = "deadline_exceeded";
    static final String CANCELED = "canceled";
    static final String BUDGET_EXCEEDED = "budget_exceeded";
    static final String WORKER_LOST = "worker_lost";
    static final String ATTEMPTS_EXHAUSTED = "attempts_exhausted";
    static final String JOB_TIMED_OUT = "job_timed_out";
    static final int NOT_ATTEMPTED = 0;

    private JobOutcomes() {}

    static LifecycleEvent queued(JobRequested job, Instant now) {
        return event(job, LifecycleType.QUEUED, now, null, NOT_ATTEMPTED, null);
    }

    static LifecycleEvent dispatched(JobRequested job, String workerId, int attempt, Instant now) {
        return event(job, LifecycleType.DISPATCHED, now, workerId, attempt, null);
    }

    /** A job taken off a lost worker and queued again; {@code attempt} is the attempt that was lost. */
    /** Why a job in flight is taken off its worker: the worker was lost, or the job ran past the timeout. */
    static JobError workerLost(String workerId) {
        return new JobError(WORKER_LOST, "worker " + workerId + " was lost");
    }

    /** The worker started again (another instance): it skips the batches of the run that had the job. */
    static JobError workerRestarted(String workerId) {
        return new JobError(WORKER_LOST, "worker " + workerId + " restarted");
    }

    static JobError timedOut(String workerId, java.time.Duration timeout) {
        return new JobError(
                JOB_TIMED_OUT, "no result from worker " + workerId + " within the job timeout of " + timeout);
    }

    static LifecycleEvent requeued(JobRequested job, String workerId, int attempt, JobError why, Instant now) {
        JobError error = new JobError(why.code(), why.message() + "; the job is queued again");
        return event(job, LifecycleType.REQUEUED, now, workerId, attempt, error);
    }

    /**
     * @param instance the run of the worker the batch is for; null when its status names none
     * @param replyPartition the results partition this task reads (the worker writes the results there)
     */
    static DispatchBatch batch(
            String workerId,
            @Nullable String instance,
            String model,
            List<QueuedJob> jobs,
            int replyPartition,
            Instant now) {
        List<DispatchedJob> dispatched = jobs.stream()
                .map(q -> new DispatchedJob(
                        q.job().jobId(),
                        q.job().tenantId(),
                        q.job().kind(),
                        q.job().input(),
                        q.attempts() + 1,
                        q.job().priority(),
                        q.job().deadline(),
                        q.job().acceptedAt()))
                .toList();
        return new DispatchBatch(
                DispatchBatch.VERSION,
                UUID.randomUUID().toString(),
                workerId,
                model,
                now,
                dispatched,
                null,
                replyPartition,
                instance);
    }

    /** A batch without jobs that tells {@code workerId} to stop a job it runs. */
    static DispatchBatch cancelOnWorker(String workerId, String model, String jobId, Instant now) {
        return new DispatchBatch(
                DispatchBatch.VERSION, UUID.randomUUID().toString(), workerId, model, now, List.of(), List.of(jobId));
    }

    /** The event and result of a job whose deadline passed before it was dispatched. */
    static List<Outbound> expired(JobRequested job, Instant now) {
        JobError error = new JobError(
                DEADLINE_EXCEEDED, "the deadline " + job.deadline() + " passed before the job was dispatched");
        return ended(job, LifecycleType.EXPIRED, error, null, NOT_ATTEMPTED, now);
    }

    /** The event and result of a job canceled before it was dispatched. */
    static List<Outbound> canceled(JobRequested job, @Nullable String reason, Instant now) {
        JobError error = new JobError(CANCELED, reason == null || reason.isBlank() ? "canceled while queued" : reason);
        return ended(job, LifecycleType.CANCELED, error, null, NOT_ATTEMPTED, now);
    }

    /** The event and result of a job its tenant's budget cannot pay for. */
    static List<Outbound> rejected(JobRequested job, String message, Instant now) {
        return ended(job, LifecycleType.REJECTED, new JobError(BUDGET_EXCEEDED, message), null, NOT_ATTEMPTED, now);
    }

    /** The event and result of a job whose last allowed attempt was lost with its worker. */
    static List<Outbound> attemptsExhausted(JobRequested job, String workerId, int attempt, JobError why, Instant now) {
        JobError error = new JobError(
                ATTEMPTS_EXHAUSTED, why.message() + " during attempt " + attempt + ", the last one allowed");
        return ended(job, LifecycleType.FAILED, error, workerId, attempt, now);
    }

    private static List<Outbound> ended(
            JobRequested job, LifecycleType type, JobError error, @Nullable String workerId, int attempt, Instant now) {
        JobStatus status = type.status();
        JobResult result = new JobResult(
                JobResult.VERSION,
                job.jobId(),
                job.tenantId(),
                job.model(),
                status,
                null,
                error,
                null,
                null,
                workerId,
                attempt,
                new Timings(job.acceptedAt(), null, null, null, now));
        return List.of(
                new Outbound.Event(event(job, type, now, workerId, attempt, error)), new Outbound.Result(result));
    }

    private static LifecycleEvent event(
            JobRequested job,
            LifecycleType type,
            Instant now,
            @Nullable String workerId,
            int attempt,
            @Nullable JobError error) {
        return new LifecycleEvent(
                LifecycleEvent.VERSION, job.jobId(), job.tenantId(), job.model(), type, now, workerId, attempt, error);
    }
}
