package io.inferbroker.worker.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings an unreachable model server back: the dispatcher sends no work to an unhealthy worker, so
 * no job would ever find out that the server is up again. While {@link UpstreamState#healthy()} is
 * false, every {@code interval} it asks {@code url}; any HTTP answer proves the server reachable.
 */
final class UpstreamProbe {
    private UpstreamProbe() {}

    /** Starts probing on {@code timer}, until the timer stops. */
    public static void start(
            HttpClient client, URI url, UpstreamState state, ScheduledExecutorService timer, Duration interval) {
        HttpRequest request =
                HttpRequest.newBuilder(url).timeout(interval).GET().build();
        try {
            timer.scheduleWithFixedDelay(
                    () -> {
                        if (state.healthy()) {
                            return;
                        }
                        try {
                            client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                                    .whenComplete((answer, error) -> {
                                        if (answer != null) {
                                            state.reached();
                                        }
                                    });
                        } catch (RuntimeException ignored) {
                            // The client is closing; the adapter is going away.
                        }
                    },
                    interval.toNanos(),
                    interval.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // The adapter closed before it started.
        }
    }
}
