package io.inferbroker.store.internal;

import io.inferbroker.schemas.http.RetryAfter;
import io.inferbroker.store.api.AddressPolicy;
import io.inferbroker.store.api.RefusedTargetException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Sends one signed webhook message over HTTP: POST with the Standard Webhooks headers, no redirects
 * followed, no proxy, one deadline for the whole attempt, every connection checked by the SSRF
 * guard. Blocks for at most the timeout. Thread-safe; {@link #close()} frees its connections.
 */
public final class WebhookSender implements AutoCloseable {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String USER_AGENT = "inferbroker-webhooks/1";

    private final OkHttpClient client;
    private final Clock clock;

    public WebhookSender(AddressPolicy policy, Duration timeout, Clock clock) {
        this.clock = clock;
        this.client = new OkHttpClient.Builder()
                .dns(new GuardedDns(policy))
                .socketFactory(new GuardedSocketFactory(policy))
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .callTimeout(timeout)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .connectionPool(new ConnectionPool(64, 1, TimeUnit.MINUTES))
                .build();
    }

    /** Posts {@code body} to {@code url}; never throws for what the target or the network did. */
    public AttemptResult send(String url, String id, long timestamp, String signatures, String body) {
        Request request;
        try {
            request = new Request.Builder()
                    .url(url)
                    .header("webhook-id", id)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signatures)
                    .header("User-Agent", USER_AGENT)
                    .post(RequestBody.create(body, JSON))
                    .build();
        } catch (IllegalArgumentException e) {
            return new AttemptResult.Failed(null, "invalid URL: " + e.getMessage(), Optional.empty());
        }
        try (Response response = client.newCall(request).execute()) {
            int status = response.code();
            if (status >= 200 && status < 300) {
                return new AttemptResult.Delivered(status);
            }
            if (status == 410) {
                return new AttemptResult.Gone(status);
            }
            String why = status >= 300 && status < 400 ? "redirect not followed" : "answered " + status;
            return new AttemptResult.Failed(
                    status, why, RetryAfter.parse(response.header("Retry-After"), clock.instant()));
        } catch (RefusedTargetException e) {
            return new AttemptResult.Refused(String.valueOf(e.getMessage()));
        } catch (InterruptedIOException e) {
            return new AttemptResult.Failed(null, "timed out", Optional.empty());
        } catch (IOException e) {
            Throwable refused = refusal(e);
            if (refused != null) {
                return new AttemptResult.Refused(String.valueOf(refused.getMessage()));
            }
            return new AttemptResult.Failed(
                    null, e.getClass().getSimpleName() + ": " + e.getMessage(), Optional.empty());
        }
    }

    private static @Nullable Throwable refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RefusedTargetException) {
                return t;
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof RefusedTargetException) {
                    return s;
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
