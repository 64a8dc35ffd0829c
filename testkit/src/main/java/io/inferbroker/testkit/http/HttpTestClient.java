package io.inferbroker.testkit.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The broker's HTTP API as tests call it: requests to paths under one base URL, with an API key as
 * bearer token and a body as JSON where given, answered as an {@link Answer} read whole. Thread-safe.
 *
 * <pre>{@code
 * HttpTestClient api = HttpTestClient.of("http://127.0.0.1:" + port);
 * Answer created = api.post("/v1/jobs", key, "{\"model\":\"sim-echo\",\"input\":{}}");
 * String id = created.json().get("id").asText();
 * Answer held = api.send("POST", "/v1/jobs", key, body, "Prefer", "wait=20");
 * }</pre>
 */
public final class HttpTestClient {
    private final HttpClient http;
    private final String base;
    private final @Nullable Duration timeout;

    private HttpTestClient(HttpClient http, String base, @Nullable Duration timeout) {
        this.http = http;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.timeout = timeout;
    }

    /** A client with an HTTP client of its own, for the API at {@code base} ({@code http://host:port}). */
    public static HttpTestClient of(String base) {
        return new HttpTestClient(HttpClient.newHttpClient(), base, null);
    }

    /** This client (its connections, its timeout) for the API at another base URL: another instance. */
    public HttpTestClient at(String otherBase) {
        return new HttpTestClient(http, otherBase, timeout);
    }

    /** This client, giving each request at most {@code perRequest} to be answered. */
    public HttpTestClient withTimeout(Duration perRequest) {
        return new HttpTestClient(http, base, perRequest);
    }

    /** The base URL requests go to, without a trailing slash. */
    public String base() {
        return base;
    }

    public Answer get(String path, @Nullable String key) throws IOException, InterruptedException {
        return send("GET", path, key, null);
    }

    public Answer post(String path, @Nullable String key, String body) throws IOException, InterruptedException {
        return send("POST", path, key, body);
    }

    public Answer put(String path, @Nullable String key, String body) throws IOException, InterruptedException {
        return send("PUT", path, key, body);
    }

    public Answer delete(String path, @Nullable String key) throws IOException, InterruptedException {
        return send("DELETE", path, key, null);
    }

    /**
     * Sends {@code method} to {@code path} as {@link #request} builds it, and reads the answer whole.
     *
     * @param headers more headers, as name-value pairs
     */
    public Answer send(String method, String path, @Nullable String key, @Nullable String body, String... headers)
            throws IOException, InterruptedException {
        return send(request(method, path, key, body, headers).build());
    }

    /** {@link #send(String, String, String, String, String...)} without waiting for the answer. */
    public CompletableFuture<Answer> sendAsync(
            String method, String path, @Nullable String key, @Nullable String body, String... headers) {
        return sendAsync(request(method, path, key, body, headers).build());
    }

    /**
     * The request {@link #send} sends: {@code key} as bearer token (no Authorization when null),
     * {@code body} as JSON (no body and no Content-Type when null), and {@code headers}, name-value
     * pairs that replace those of the same name. To be finished (another body, say) and sent with
     * {@link #send(HttpRequest)} or with a body handler of its own.
     */
    public HttpRequest.Builder request(
            String method, String path, @Nullable String key, @Nullable String body, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come as name-value pairs, got " + headers.length + " strings");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (timeout != null) {
            b.timeout(timeout);
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return b;
    }

    /** Sends any request, and reads the answer whole. */
    public Answer send(HttpRequest request) throws IOException, InterruptedException {
        return Answer.of(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** Sends any request without waiting for the answer. */
    public CompletableFuture<Answer> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Answer::of);
    }

    /** Sends any request, reading the answer with {@code handler} (as lines of a stream, say). */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return http.send(request, handler);
    }

    /** {@link #send(HttpRequest, HttpResponse.BodyHandler)} without waiting for the answer. */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return http.sendAsync(request, handler);
    }
}
