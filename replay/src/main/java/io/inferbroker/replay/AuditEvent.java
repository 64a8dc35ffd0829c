package io.inferbroker.replay;

import java.util.Locale;

/** What an audit timeline entry records. */
public enum AuditEvent {
    /** The ingress accepted the job (requests topic). */
    ACCEPTED,
    QUEUED,
    DISPATCHED,
    STARTED,
    REQUEUED,
    SUCCEEDED,
    FAILED,
    CANCELED,
    EXPIRED,
    REJECTED,
    /** The first token of an attempt (tokens topic, sequence 1). */
    FIRST_TOKEN,
    /** A terminal result with usage and cost (results topic). */
    RESULT,
    /** A client asked to cancel (control topic). */
    CANCEL_REQUESTED,
    /** One webhook delivery attempt and its outcome (webhooks topic). */
    WEBHOOK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
