package io.inferbroker.worker;

/** A worker could not start: Kafka did not answer, or its dispatch topic does not exist. */
public final class WorkerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
