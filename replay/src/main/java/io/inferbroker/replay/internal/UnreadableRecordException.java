package io.inferbroker.replay.internal;

import io.inferbroker.replay.ReplayException;

/** A record a replay cannot read: not JSON, or against the wire contract. A scan goes past it. */
final class UnreadableRecordException extends ReplayException {
    public UnreadableRecordException(String message) {
        super(message);
    }

    public UnreadableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
