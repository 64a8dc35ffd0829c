package io.inferbroker.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;

/**
 * A closed-loop HTTP load generator on Jetty's asynchronous client: a fixed number of concurrent
 * requests in flight, each followed by the next as soon as it completes. Latency per request goes
 * into an HdrHistogram; a warm-up period runs first and is discarded. Close it after use.
 */
final class LoadGenerator implements AutoCloseable {
    private final HttpClient client = new HttpClient();
    private final int concurrency;

    LoadGenerator(int concurrency) throws Exception {
        this.concurrency = concurrency;
        client.setMaxConnectionsPerDestination(concurrency);
        client.setMaxRequestsQueuedPerDestination(concurrency * 2);
        client.setFollowRedirects(false);
        client.start();
    }

    /** One HTTP request to repeat. */
    record Target(URI uri, String body, Map<String, String> headers) {}

    /** What one measured period saw. */
    record Result(long requests, double seconds, Histogram latencyMicros, Map<Integer, Long> statuses) {
        double perSecond() {
            return requests / seconds;
        }

        double p(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    Result run(Target target, Duration warmup, Duration measure) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        CountDownLatch stopped = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            next(target, recorder, stop, measuring, statuses, stopped);
        }
        pause(warmup);
        recorder.getIntervalHistogram();
        measuring.set(true);
        long start = System.nanoTime();
        pause(measure);
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram histogram = recorder.getIntervalHistogram();
        stop.set(true);
        stopped.await(30, TimeUnit.SECONDS);
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((k, v) -> byStatus.put(k, v.sum()));
        return new Result(histogram.getTotalCount(), seconds, histogram, byStatus);
    }

    private void next(
            Target target,
            Recorder recorder,
            AtomicBoolean stop,
            AtomicBoolean measuring,
            Map<Integer, LongAdder> statuses,
            CountDownLatch stopped) {
        if (stop.get()) {
            stopped.countDown();
            return;
        }
        Request request = client.newRequest(target.uri())
                .method(HttpMethod.POST)
                .body(new StringRequestContent("application/json", target.body()))
                .timeout(30, TimeUnit.SECONDS);
        target.headers().forEach((k, v) -> request.headers(h -> h.put(k, v)));
        long begin = System.nanoTime();
        request.send(result -> {
            long micros = (System.nanoTime() - begin) / 1000;
            int status = result.isSucceeded() ? result.getResponse().getStatus() : -1;
            if (measuring.get()) {
                recorder.recordValue(micros);
                statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
            }
            next(target, recorder, stop, measuring, statuses, stopped);
        });
    }

    /** Waits out a measured period: the benchmark's clock, not synchronisation. */
    private static void pause(Duration d) throws InterruptedException {
        new CountDownLatch(1).await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
