package io.inferbroker.ingress.internal;

/** The {@link JobFeed} could not start reading: Kafka did not answer, or a topic is missing. */
final class FeedUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FeedUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
