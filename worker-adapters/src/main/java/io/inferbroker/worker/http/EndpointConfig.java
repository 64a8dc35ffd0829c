package io.inferbroker.worker.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How a worker reaches one model server over HTTP. Validated on construction; a message names the
 * config key at fault ({@code base_url}, {@code first_token_timeout_ms}, ...). Printing it never
 * shows the API key.
 *
 * @param baseUrl the server's root as its clients know it: for OpenAI-compatible servers the URL
 *     that {@code /chat/completions} is appended to (usually ending in {@code /v1}); for KServe v2
 *     the URL that {@code /v2/models/...} is appended to
 * @param apiKey sent as {@code Authorization: Bearer <key>} when present
 * @param upstreamModels the model name the server knows, by the broker's model name, where they
 *     differ; a model not listed keeps its name
 * @param connectTimeout longest wait for a TCP connection
 * @param firstTokenTimeout longest wait from the start of a call (retries included) to its first
 *     token or, for calls that do not stream, to the whole answer
 * @param idleTimeout longest silence between two chunks of a stream
 * @param requestTimeout longest a whole call may take
 * @param maxAttempts tries per call, the first included; retries happen only before the first token
 * @param initialBackoff wait before the first retry; it doubles with each retry up to {@code maxBackoff}
 * @param maxBackoff longest wait between two tries, and longest {@code Retry-After} honoured
 * @param streaming OpenAI-compatible only: ask for SSE streams (false: one answer per call, its text
 *     reported as one token)
 */
public record EndpointConfig(
        URI baseUrl,
        ApiKey apiKey,
        Map<String, String> upstreamModels,
        Duration connectTimeout,
        Duration firstTokenTimeout,
        Duration idleTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        boolean streaming) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    public EndpointConfig {
        String scheme = baseUrl.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("base_url must be an absolute http(s) URL, was '" + baseUrl + "'");
        }
        upstreamModels = Map.copyOf(upstreamModels);
        positive("connect_timeout_ms", connectTimeout);
        positive("first_token_timeout_ms", firstTokenTimeout);
        positive("idle_timeout_ms", idleTimeout);
        positive("request_timeout_ms", requestTimeout);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be >= 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial_backoff_ms <= max_backoff_ms, was "
                    + initialBackoff.toMillis() + " and " + maxBackoff.toMillis());
        }
    }

    /** Settings with the default timeouts and retries, streaming. */
    public static EndpointConfig of(URI baseUrl, ApiKey apiKey, Map<String, String> upstreamModels) {
        return new EndpointConfig(
                baseUrl,
                apiKey,
                upstreamModels,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_FIRST_TOKEN_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_ATTEMPTS,
                DEFAULT_INITIAL_BACKOFF,
                DEFAULT_MAX_BACKOFF,
                true);
    }

    /** The name the server knows {@code model} by. */
    public String upstreamModel(String model) {
        return upstreamModels.getOrDefault(model, model);
    }

    /** The same settings with other timeouts. */
    public EndpointConfig withTimeouts(Duration firstToken, Duration idle, Duration request) {
        return new EndpointConfig(
                baseUrl,
                apiKey,
                upstreamModels,
                connectTimeout,
                firstToken,
                idle,
                request,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                streaming);
    }

    /** The same settings with other retries. */
    public EndpointConfig withRetries(int attempts, Duration initial, Duration max) {
        return new EndpointConfig(
                baseUrl,
                apiKey,
                upstreamModels,
                connectTimeout,
                firstTokenTimeout,
                idleTimeout,
                requestTimeout,
                attempts,
                initial,
                max,
                streaming);
    }

    /** The same settings, streaming or not. */
    public EndpointConfig withStreaming(boolean stream) {
        return new EndpointConfig(
                baseUrl,
                apiKey,
                upstreamModels,
                connectTimeout,
                firstTokenTimeout,
                idleTimeout,
                requestTimeout,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                stream);
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be > 0, was " + value.toMillis());
        }
    }
}
