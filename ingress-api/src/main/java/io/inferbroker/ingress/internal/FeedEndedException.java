package io.inferbroker.ingress.internal;

/**
 * A {@link FeedSubscription} ended before its job's result arrived: its queue overflowed, the
 * feed closed or failed, or the subscriber closed it (for example because its client went away).
 */
final class FeedEndedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a subscription ended. */
    public enum Reason {
        /** More records were pending than the subscription may hold. */
        OVERFLOW,
        /** The feed was closed or stopped polling. */
        FEED_CLOSED,
        /** The subscriber closed the subscription itself. */
        CLOSED
    }

    private final Reason reason;

    public FeedEndedException(String jobId, Reason reason, String detail) {
        super("subscription to job " + jobId + " ended: " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
