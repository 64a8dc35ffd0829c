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
import org.jspecify.annotations.Nullable;

/**
 * The records the dispatcher publishes about jobs. Attempt numbers: 0 while a job has not been sent
 * to a worker (queued, or ended while queued), 1 for the first dispatch.
 */
final class JobOutcomes {
    static final String DEADLINE_EXCEEDED = "deadline_exceeded";
    static final String CANCELED = "canceled";
    static final int NOT_ATTEMPTED = 0;
    static final int FIRST_ATTEMPT = 1;

    private JobOutcomes() {}

    static LifecycleEvent queued(JobRequested job, Instant now) {
        return event(job, LifecycleType.QUEUED, now, null, NOT_ATTEMPTED, null);
    }

    static LifecycleEvent dispatched(JobRequested job, String workerId, Instant now) {
        return event(job, LifecycleType.DISPATCHED, now, workerId, FIRST_ATTEMPT, null);
    }

    static DispatchBatch batch(String batchId, String workerId, String model, List<QueuedJob> jobs, Instant now) {
        List<DispatchedJob> dispatched = jobs.stream()
                .map(QueuedJob::job)
                .map(j -> new DispatchedJob(
                        j.jobId(),
                        j.tenantId(),
                        j.kind(),
                        j.input(),
                        FIRST_ATTEMPT,
                        j.priority(),
                        j.deadline(),
                        j.acceptedAt()))
                .toList();
        return new DispatchBatch(DispatchBatch.VERSION, batchId, workerId, model, now, dispatched);
    }

    /** The event and result of a job whose deadline passed before it was dispatched. */
    static List<Outbound> expired(JobRequested job, Instant now) {
        JobError error = new JobError(
                DEADLINE_EXCEEDED, "the deadline " + job.deadline() + " passed before the job was dispatched");
        return ended(job, LifecycleType.EXPIRED, error, now);
    }

    /** The event and result of a job canceled before it was dispatched. */
    static List<Outbound> canceled(JobRequested job, @Nullable String reason, Instant now) {
        JobError error = new JobError(CANCELED, reason == null || reason.isBlank() ? "canceled while queued" : reason);
        return ended(job, LifecycleType.CANCELED, error, now);
    }

    private static List<Outbound> ended(JobRequested job, LifecycleType type, JobError error, Instant now) {
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
                null,
                NOT_ATTEMPTED,
                new Timings(job.acceptedAt(), null, null, null, now));
        return List.of(
                new Outbound.Event(event(job, type, now, null, NOT_ATTEMPTED, error)), new Outbound.Result(result));
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
