package io.inferbroker.ingress;

import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.List;

/**
 * Settings of one ingress instance. Validated on construction; messages name the external key.
 *
 * @param host interface to bind, e.g. {@code 0.0.0.0}
 * @param port TCP port; 0 picks a free one
 * @param maxBodyBytes largest request body accepted (larger answers 413)
 * @param submitTimeout how long a submit waits for Kafka's acknowledgement before answering 503
 * @param publicBaseUrl base of the URLs put in job objects, or empty to use the request's own
 * @param syncTimeout how long the OpenAI-compatible endpoints wait for a job before answering 504
 * @param streamBufferEvents events a job stream may have waiting for a slow client before it is cut
 *     with an {@code error} event naming where to resume
 * @param socketSendBufferBytes the kernel send buffer of each accepted connection, or 0 for the
 *     operating system's own (autotuned, up to megabytes per slow connection)
 */
public record IngressConfig(
        String host,
        int port,
        long maxBodyBytes,
        Duration submitTimeout,
        String publicBaseUrl,
        TopicNames topics,
        List<ModelInfo> models,
        Duration syncTimeout,
        int streamBufferEvents,
        int socketSendBufferBytes) {

    /** The default of {@code http.sync_timeout_ms}. */
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(120);

    /** The default of {@code http.stream_buffer_events}. */
    public static final int DEFAULT_STREAM_BUFFER_EVENTS = 4096;

    public IngressConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("BROKER_PORT (--port) must be between 0 and 65535, was " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("BROKER_HTTP_MAX_BODY_BYTES must be >= 1024, was " + maxBodyBytes);
        }
        if (submitTimeout.isNegative() || submitTimeout.isZero()) {
            throw new IllegalArgumentException("BROKER_HTTP_SUBMIT_TIMEOUT_MS must be positive, was " + submitTimeout);
        }
        if (syncTimeout.isNegative() || syncTimeout.isZero()) {
            throw new IllegalArgumentException("BROKER_HTTP_SYNC_TIMEOUT_MS must be positive, was " + syncTimeout);
        }
        if (streamBufferEvents < 1) {
            throw new IllegalArgumentException(
                    "BROKER_HTTP_STREAM_BUFFER_EVENTS must be positive, was " + streamBufferEvents);
        }
        if (socketSendBufferBytes < 0) {
            throw new IllegalArgumentException(
                    "BROKER_HTTP_SOCKET_SEND_BUFFER_BYTES must be 0 (the system's) or positive, was "
                            + socketSendBufferBytes);
        }
        models = List.copyOf(models);
    }

    /** Settings with the default {@link #DEFAULT_SYNC_TIMEOUT} and {@link #DEFAULT_STREAM_BUFFER_EVENTS}. */
    public IngressConfig(
            String host,
            int port,
            long maxBodyBytes,
            Duration submitTimeout,
            String publicBaseUrl,
            TopicNames topics,
            List<ModelInfo> models) {
        this(
                host,
                port,
                maxBodyBytes,
                submitTimeout,
                publicBaseUrl,
                topics,
                models,
                DEFAULT_SYNC_TIMEOUT,
                DEFAULT_STREAM_BUFFER_EVENTS,
                0);
    }
}
