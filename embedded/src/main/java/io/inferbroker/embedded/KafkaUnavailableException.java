package io.inferbroker.embedded;

/** Kafka did not answer: not reachable, or too slow. */
public final class KafkaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
