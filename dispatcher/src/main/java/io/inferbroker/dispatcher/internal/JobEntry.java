package io.inferbroker.dispatcher.internal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the owner of a model's queue remembers about one job id: enough to ignore duplicates, find
 * the job in the queue, release the worker it was sent to, and count its attempts.
 *
 * @param model the job's model; empty for a cancel that arrived before its job
 * @param tenantId the owning tenant (a cancel must come from it)
 * @param state where the job is, as far as the dispatcher knows
 * @param queueKey key in the queue store while {@link State#QUEUED}; while {@link State#DISPATCHED}, the
 *     queue record kept until the job finishes (null for a job dispatched on arrival, never written there)
 * @param workerId worker the job went to once {@link State#DISPATCHED}
 * @param retireAt when the entry may be forgotten; set once nothing but deduplication needs it
 * @param attempt how often the job was dispatched so far (0 before the first dispatch)
 */
public record JobEntry(
        String model,
        String tenantId,
        State state,
        @Nullable String queueKey,
        @Nullable String workerId,
        @Nullable Instant retireAt,
        int attempt) {

    /** The dispatcher's view of a job. */
    public enum State {
        QUEUED,
        DISPATCHED,
        FINISHED,
        /** A cancel came before the job; the job is canceled when it arrives. */
        CANCEL_REQUESTED
    }

    static JobEntry queued(String model, String tenantId, String queueKey, int attempt) {
        return new JobEntry(model, tenantId, State.QUEUED, queueKey, null, null, attempt);
    }

    static JobEntry cancelRequested(String tenantId, Instant retireAt) {
        return new JobEntry("", tenantId, State.CANCEL_REQUESTED, null, null, retireAt, 0);
    }

    static JobEntry finished(String model, String tenantId, Instant retireAt) {
        return new JobEntry(model, tenantId, State.FINISHED, null, null, retireAt, 0);
    }

    static JobEntry dispatched(String model, String tenantId, String worker, int attempt, @Nullable String queueKey) {
        return new JobEntry(model, tenantId, State.DISPATCHED, queueKey, worker, null, attempt);
    }

    JobEntry finishedAt(Instant retire) {
        return new JobEntry(model, tenantId, State.FINISHED, null, workerId, retire, attempt);
    }
}
