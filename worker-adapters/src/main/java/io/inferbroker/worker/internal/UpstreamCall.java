package io.inferbroker.worker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.http.RetryAfter;
import io.inferbroker.worker.http.EndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One call to a model server with its retries, on the calling (virtual) thread: sends until a 200
 * arrives, retrying connection failures, 429 and 5xx per the {@link RetryPolicy} (so only before
 * the first token), noting 429/503 as backpressure. A watchdog enforces the first-token, idle and
 * total timeouts by aborting the call; {@link #abort} (a cancel, the adapter closing) does the same
 * from any thread, closing the connection so the server stops generating. Used by one job or batch;
 * close it when done.
 */
public final class UpstreamCall implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 16 * 1024;

    private final HttpClient client;
    private final EndpointConfig config;
    private final UpstreamState state;
    private final RetryPolicy retry;
    private final String what;
    private final long startNanos = System.nanoTime();
    private final CountDownLatch abortSignal = new CountDownLatch(1);
    private final @Nullable ScheduledFuture<?> watchdog;
    private volatile long lastProgressNanos = startNanos;
    private volatile boolean progressed;
    private volatile @Nullable JobError aborted;
    private volatile @Nullable CompletableFuture<?> pending;
    private volatile @Nullable InputStream body;

    /** What {@link #open} got: the body of a 200 answer, or the error that ended the call. */
    public sealed interface Opened {
        record Ok(InputStream body) implements Opened {}

        record Refused(JobError error) implements Opened {}
    }

    /**
     * @param what what the call is for, in messages ("job 42")
     * @param timer runs the watchdog; when it refuses, the call has no timeouts but still aborts
     */
    public UpstreamCall(
            HttpClient client,
            EndpointConfig config,
            UpstreamState state,
            ScheduledExecutorService timer,
            String what) {
        this.client = client;
        this.config = config;
        this.state = state;
        this.retry = new RetryPolicy(config.maxAttempts(), config.initialBackoff(), config.maxBackoff());
        this.what = what;
        long tick = Math.clamp(
                Math.min(
                                config.firstTokenTimeout().toNanos(),
                                config.idleTimeout().toNanos())
                        / 4,
                TimeUnit.MILLISECONDS.toNanos(5),
                TimeUnit.MILLISECONDS.toNanos(250));
        ScheduledFuture<?> task;
        try {
            task = timer.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            task = null;
        }
        this.watchdog = task;
    }

    /** Sends {@code request} (built anew per attempt) until a 200 answer or a final failure. */
    public Opened open(Supplier<HttpRequest> request) {
        for (int attempt = 1; ; attempt++) {
            JobError stop = aborted;
            if (stop != null) {
                return new Opened.Refused(stop);
            }
            Attempt result = attempt(request.get());
            if (result.body() != null) {
                return new Opened.Ok(result.body());
            }
            JobError error = aborted != null ? aborted : result.error();
            if (aborted != null || error == null) {
                return new Opened.Refused(error == null ? aborted() : error);
            }
            switch (retry.afterFailure(attempt, result.retryable(), result.retryAfter())) {
                case RetryPolicy.Verdict.GiveUp g -> {
                    return new Opened.Refused(error);
                }
                case RetryPolicy.Verdict.Retry r -> {
                    state.retried(result.reason());
                    if (awaitAbort(r.delay())) {
                        return new Opened.Refused(aborted());
                    }
                }
            }
        }
    }

    private record Attempt(
            @Nullable InputStream body,
            @Nullable JobError error,
            boolean retryable,
            Optional<Duration> retryAfter,
            String reason) {
        Attempt(
                @Nullable InputStream body,
                @Nullable JobError error,
                boolean retryable,
                Optional<Duration> retryAfter) {
            this(body, error, retryable, retryAfter, "unreachable");
        }
    }

    private Attempt attempt(HttpRequest request) {
        HttpResponse<InputStream> response;
        try {
            CompletableFuture<HttpResponse<InputStream>> sent =
                    client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            pending = sent;
            if (aborted != null) {
                sent.cancel(true);
            }
            response = sent.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ConnectException || cause instanceof HttpTimeoutException) {
                state.unreachable();
            }
            return new Attempt(
                    null,
                    new JobError(
                            "upstream_unreachable", "cannot reach " + config.baseUrl() + " for " + what + ": " + cause),
                    true,
                    Optional.empty());
        } catch (CancellationException e) {
            return new Attempt(null, aborted(), false, Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(new JobError("canceled", "the call for " + what + " was interrupted"));
            return new Attempt(null, aborted(), false, Optional.empty());
        }
        state.reached();
        int status = response.statusCode();
        if (status == 200) {
            body = response.body();
            if (aborted != null) {
                closeBody();
            }
            return new Attempt(response.body(), null, false, Optional.empty());
        }
        String text = readError(response.body());
        Optional<Duration> retryAfter = RetryAfter.parse(
                response.headers().firstValue("Retry-After").orElse(null),
                state.clock().instant());
        if (status == 429 || status == 503) {
            state.backpressure(retryAfter.orElse(UpstreamState.DEFAULT_BACKPRESSURE));
        }
        String reason = status >= 500 && status != 503 ? "5xx" : Integer.toString(status);
        return new Attempt(null, errorFor(status, text), RetryPolicy.retryableStatus(status), retryAfter, reason);
    }

    /** A token (or any chunk) arrived: restarts the idle timer, ends the first-token wait. */
    public void progress() {
        lastProgressNanos = System.nanoTime();
        progressed = true;
    }

    /** Whether a token arrived: after that, nothing is retried. */
    public boolean progressed() {
        return progressed;
    }

    /** Why the call was aborted, if it was. */
    public Optional<JobError> abortReason() {
        return Optional.ofNullable(aborted);
    }

    /** Stops the call from any thread: the first reason sticks; the connection is closed. */
    public void abort(JobError reason) {
        synchronized (this) {
            if (aborted != null) {
                return;
            }
            aborted = reason;
        }
        abortSignal.countDown();
        CompletableFuture<?> sent = pending;
        if (sent != null) {
            sent.cancel(true);
        }
        closeBody();
    }

    private JobError aborted() {
        JobError reason = aborted;
        return reason == null ? new JobError("canceled", "the call for " + what + " was stopped") : reason;
    }

    private boolean awaitAbort(Duration delay) {
        try {
            return abortSignal.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(new JobError("canceled", "the call for " + what + " was interrupted"));
            return true;
        }
    }

    private void check() {
        long now = System.nanoTime();
        if (now - startNanos > config.requestTimeout().toNanos()) {
            abort(timeout("took longer than the request timeout of "
                    + config.requestTimeout().toMillis() + " ms"));
        } else if (!progressed && now - startNanos > config.firstTokenTimeout().toNanos()) {
            abort(timeout(
                    "sent no first token within " + config.firstTokenTimeout().toMillis() + " ms"));
        } else if (progressed && now - lastProgressNanos > config.idleTimeout().toNanos()) {
            abort(timeout("went silent for more than " + config.idleTimeout().toMillis() + " ms"));
        }
    }

    private JobError timeout(String message) {
        return new JobError("upstream_timeout", "the model server at " + config.baseUrl() + " " + message);
    }

    private void closeBody() {
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // Closing only aborts the exchange; there is nothing left to read or report.
            }
        }
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        closeBody();
    }

    private static String readError(InputStream in) {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_ERROR_BODY);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The error of a non-200 answer, with the server's own message when its body has one. */
    static JobError errorFor(int status, String body) {
        String message = messageOf(body);
        String code = switch (status) {
            case 429 -> "upstream_rate_limited";
            case 503 -> "upstream_unavailable";
            case 408, 504 -> "upstream_timeout";
            default -> status >= 500 ? "upstream_error" : "upstream_rejected";
        };
        return new JobError(code, "the model server answered " + status + (message.isEmpty() ? "" : ": " + message));
    }

    private static String messageOf(String body) {
        if (body.isBlank()) {
            return "";
        }
        try {
            JsonNode root = JSON.readTree(body);
            for (JsonNode candidate : new JsonNode[] {
                root.path("error").path("message"), root.path("error"), root.path("message"), root.path("detail")
            }) {
                if (candidate.isTextual()) {
                    return candidate.asText();
                }
            }
        } catch (IOException notJson) {
            // Fall through to the raw text.
        }
        String trimmed = body.strip();
        return trimmed.length() > 300 ? trimmed.substring(0, 300) + "..." : trimmed;
    }
}
