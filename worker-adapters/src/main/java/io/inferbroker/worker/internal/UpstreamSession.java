package io.inferbroker.worker.internal;

import io.inferbroker.schemas.JobError;
import io.inferbroker.worker.http.EndpointConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one HTTP adapter owns, whatever protocol it speaks: an HTTP/1.1 client (keep-alive
 * connections pooled by the JDK), a daemon watchdog timer, virtual threads for its calls, the
 * upstream's health and backpressure (probed while it is unreachable), and the calls in progress.
 * {@link #close()} aborts every call and stops all of it. Thread-safe.
 */
public final class UpstreamSession implements AutoCloseable {
    /** How often an unreachable server is asked whether it is back. */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private final EndpointConfig config;
    private final ScheduledThreadPoolExecutor timer;
    private final HttpClient client;
    private final UpstreamState state;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<UpstreamCall> calls = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param kind the adapter's kind: names its threads and tags its meters
     * @param probePath the path under the base URL that answers 2xx while the server is up
     */
    public UpstreamSession(EndpointConfig config, String kind, String probePath, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name(kind + "-watchdog").daemon(true).factory());
        this.timer.setRemoveOnCancelPolicy(true);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.state = new UpstreamState(clock, kind, new WorkerMetrics(registry));
        UpstreamProbe.start(
                client,
                URI.create(config.baseUrl().toString().replaceAll("/+$", "") + probePath),
                state,
                timer,
                PROBE_INTERVAL);
    }

    public UpstreamState state() {
        return state;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** A new call, counted as in progress (so {@link #close()} aborts it) until {@link #release}d. */
    public UpstreamCall call(String what) {
        UpstreamCall call = new UpstreamCall(client, config, state, timer, what);
        calls.add(call);
        return call;
    }

    public void release(UpstreamCall call) {
        calls.remove(call);
    }

    /**
     * Runs {@code task} on a virtual thread of its own.
     *
     * @return false when the session is closed and the task will not run
     */
    public boolean execute(Runnable task) {
        try {
            threads.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Aborts every call in progress and stops the threads, the timer and the client; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        JobError reason = new JobError("adapter_closed", "the worker stopped while the job ran");
        List.copyOf(calls).forEach(call -> call.abort(reason));
        threads.shutdownNow();
        timer.shutdownNow();
        client.shutdownNow();
    }
}
