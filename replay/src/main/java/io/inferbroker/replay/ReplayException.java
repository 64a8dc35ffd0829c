package io.inferbroker.replay;

/** A replay could not run: Kafka unreachable, a topic missing, a record unreadable, or a read stalled. */
public class ReplayException extends RuntimeException {
    public ReplayException(String message) {
        super(message);
    }

    public ReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
