package io.inferbroker.dispatcher.internal;

import org.jspecify.annotations.Nullable;

/**
 * What the owner of a model's queue knows about one job id: enough to ignore duplicates, find the
 * job in the queue, release the worker it was sent to, and count its attempts. A view: a live job's
 * comes from memory (which mirrors the active store), a finished one's from {@link DoneJobs}.
 *
 * @param model the job's model; empty for an id known only from {@link DoneJobs}
 * @param tenantId the owning tenant (a cancel must come from it)
 * @param state where the job is, as far as the dispatcher knows
 * @param workerId worker the job went to while {@link State#DISPATCHED}
 * @param attempt how often the job was dispatched so far (0 before the first dispatch)
 */
record JobEntry(
        String model,
        String tenantId,
        State state,
        @Nullable String workerId,
        int attempt) {

    /** The dispatcher's view of a job. */
    enum State {
        QUEUED,
        DISPATCHED,
        FINISHED,
        /** A cancel came before the job; the job is canceled when it arrives. */
        CANCEL_REQUESTED
    }

    static JobEntry queued(String model, String tenantId, int attempt) {
        return new JobEntry(model, tenantId, State.QUEUED, null, attempt);
    }

    static JobEntry dispatched(String model, String tenantId, String worker, int attempt) {
        return new JobEntry(model, tenantId, State.DISPATCHED, worker, attempt);
    }

    static JobEntry of(DoneMark mark) {
        State state = mark.kind() == DoneMark.Kind.FINISHED ? State.FINISHED : State.CANCEL_REQUESTED;
        return new JobEntry("", mark.tenantId(), state, null, 0);
    }

    /** True while the job is queued or in flight, so the active store holds it. */
    boolean isActive() {
        return state == State.QUEUED || state == State.DISPATCHED;
    }
}
