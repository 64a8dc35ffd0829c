package io.inferbroker.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * A fixed number of requests always in flight on Jetty's asynchronous client, each followed by the
 * next as soon as it is answered, from {@link #start} until {@link #stop}. Every answer goes to a
 * listener on the client's thread, with its status ({@code -1} when the request failed: connection
 * error or timeout) and its time from send to answer. Unlike {@link LoadGenerator} it keeps no
 * figures itself, so a caller can measure several windows of one continuous load. It can be started
 * again after a stop, on the same client. The client's threads are named {@code bench-client}, so
 * their CPU time can be told from the broker's. Close it after use.
 */
final class ClosedLoop implements AutoCloseable {
    /** Told of every answer; called on a client thread, so it must not block. */
    interface Listener {
        void answered(int status, @Nullable Response response, long nanos);
    }

    static final String THREADS = "bench-client";

    private final HttpClient client = new HttpClient();
    private final int concurrency;
    private final Supplier<Request> next;
    private final Listener listener;
    private volatile CountDownLatch stopped = new CountDownLatch(0);
    private volatile boolean stopping;

    /** {@code request} makes each request on the loop's own client; it is called on client threads. */
    ClosedLoop(int concurrency, Function<HttpClient, Request> request, Listener listener) throws Exception {
        this.concurrency = concurrency;
        this.listener = listener;
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName(THREADS);
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(concurrency);
        client.setMaxRequestsQueuedPerDestination(concurrency * 2);
        client.setFollowRedirects(false);
        client.start();
        this.next = () -> request.apply(client);
    }

    /** Sends the first request of each of the {@code concurrency} loops. */
    void start() {
        stopped = new CountDownLatch(concurrency);
        stopping = false;
        for (int i = 0; i < concurrency; i++) {
            send();
        }
    }

    /** Sends no further request and waits (up to 60 s) until every request in flight is answered. */
    void stop() throws InterruptedException {
        stopping = true;
        if (!stopped.await(60, TimeUnit.SECONDS)) {
            System.out.printf("  (%d requests still unanswered 60 s after the load stopped)%n", stopped.getCount());
        }
    }

    private void send() {
        if (stopping) {
            stopped.countDown();
            return;
        }
        long begin = System.nanoTime();
        next.get().send(result -> {
            long nanos = System.nanoTime() - begin;
            int status = result.isSucceeded() ? result.getResponse().getStatus() : -1;
            try {
                listener.answered(status, result.isSucceeded() ? result.getResponse() : null, nanos);
            } finally {
                send();
            }
        });
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        client.stop();
    }
}
