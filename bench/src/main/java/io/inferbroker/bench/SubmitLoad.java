package io.inferbroker.bench;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.jspecify.annotations.Nullable;

/**
 * Asynchronous submits in a closed loop: {@code connections} clients each {@code POST /v1/jobs} a
 * small chat job and send the next as soon as the 202 arrives, without waiting for the job. Counts
 * accepted jobs and answers by status over every phase it runs, records submit latency, and tells a
 * {@link ResultWatch} of each accepted job. Start and stop it for each phase; close it after use.
 */
final class SubmitLoad implements AutoCloseable {
    static final String BODY =
            "{\"model\":\"sim-echo\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hello broker\"}],\"max_tokens\":16}}";

    private final @Nullable ResultWatch watch;
    private final LongAdder accepted = new LongAdder();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(3);
    private final ClosedLoop loop;

    SubmitLoad(String base, String key, int connections, @Nullable ResultWatch watch) throws Exception {
        this.watch = watch;
        URI uri = URI.create(base + "/v1/jobs");
        String authorization = "Bearer " + key;
        this.loop = new ClosedLoop(
                connections,
                client -> client.newRequest(uri)
                        .method(HttpMethod.POST)
                        .headers(h -> h.put("Authorization", authorization))
                        .body(new StringRequestContent("application/json", BODY))
                        .timeout(30, TimeUnit.SECONDS),
                this::answered);
    }

    /** Starts a phase of load. */
    void start() {
        loop.start();
    }

    /** Ends the phase: no further submit, and every submit in flight answered. */
    void stop() throws InterruptedException {
        loop.stop();
    }

    private void answered(int status, @Nullable Response response, long nanos) {
        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
        latency.recordValue(nanos / 1000);
        if (status != 202 || response == null) {
            return;
        }
        accepted.increment();
        String location = response.getHeaders().get("Location");
        if (watch != null && location != null) {
            watch.accepted(location.substring(location.lastIndexOf('/') + 1), System.nanoTime() - nanos);
        }
    }

    /** Jobs accepted (answered 202) since this load was made. */
    long accepted() {
        return accepted.sum();
    }

    /** Answers by status since this load was made; -1 counts failed requests (connection, timeout). */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> out = new TreeMap<>();
        statuses.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Submit latency (microseconds) of the answers since the last call. */
    Histogram latency() {
        return latency.getIntervalHistogram();
    }

    @Override
    public void close() throws Exception {
        loop.close();
    }
}
