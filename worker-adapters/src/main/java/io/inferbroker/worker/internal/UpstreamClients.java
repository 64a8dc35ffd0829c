package io.inferbroker.worker.internal;

import io.inferbroker.worker.http.EndpointConfig;
import java.net.http.HttpClient;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The HTTP client and watchdog timer one HTTP adapter owns: an HTTP/1.1 client (keep-alive
 * connections pooled by the JDK) and one daemon timer thread. {@link #close()} stops both.
 */
public final class UpstreamClients implements AutoCloseable {
    private final String name;
    private final ScheduledThreadPoolExecutor timer;
    private HttpClient client;

    public UpstreamClients(String name) {
        this.name = name;
        this.timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name(name + "-watchdog").daemon(true).factory());
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** Creates the client for {@code config} (once). */
    public synchronized HttpClient client(EndpointConfig config) {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(config.connectTimeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return client;
    }

    public ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (client != null) {
            client.shutdownNow();
        }
    }
}
