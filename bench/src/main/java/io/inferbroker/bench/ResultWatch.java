package io.inferbroker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.JobStatus;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Waits for a sample of accepted jobs as their submitter would: every n-th job accepted gets a
 * {@code GET /v1/jobs/{id}?wait=30}, asked again while the job is not finished, on a client of its
 * own. At most {@code maxWatched} jobs are watched at once; a job due for watching while all are busy
 * is skipped and counted, so a backlog of minutes does not pile up connections. Counts the answers,
 * records submit to answer, and keeps the first jobs answered for a stage breakdown. Thread-safe;
 * close it after use.
 */
final class ResultWatch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WAIT_SECONDS = 30;
    private static final int KEPT = 2_000;

    private final HttpClient client = new HttpClient();
    private final String base;
    private final String key;
    private final int every;
    private final int maxWatched;
    private final Semaphore slots;
    private final AtomicLong seen = new AtomicLong();
    private final LongAdder watched = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Recorder submitToAnswer = new Recorder(3);
    private final List<Answer> kept = new ArrayList<>();

    /** A watched job and when its submitter saw it finished. */
    record Answer(String jobId, String status, Instant answeredAt) {}

    ResultWatch(String base, String key, int every, int maxWatched) throws Exception {
        this.base = base;
        this.key = key;
        this.every = every;
        this.maxWatched = maxWatched;
        this.slots = new Semaphore(maxWatched);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName(ClosedLoop.THREADS + "-watch");
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(maxWatched);
        client.setMaxRequestsQueuedPerDestination(maxWatched * 2);
        client.start();
    }

    /**
     * Told of every accepted job, right after its 202, with the {@code nanoTime} its submit was sent;
     * watches every n-th one. Does not block.
     */
    void accepted(String jobId, long submittedNanos) {
        if (every <= 0 || seen.incrementAndGet() % every != 0) {
            return;
        }
        if (!slots.tryAcquire()) {
            skipped.increment();
            return;
        }
        watched.increment();
        poll(jobId, submittedNanos);
    }

    private void poll(String jobId, long submittedNanos) {
        client.newRequest(URI.create(base + "/v1/jobs/" + jobId + "?wait=" + WAIT_SECONDS))
                .headers(h -> h.put("Authorization", "Bearer " + key))
                .timeout(WAIT_SECONDS + 30, TimeUnit.SECONDS)
                .send(new BufferingResponseListener() {
                    @Override
                    public void onComplete(Result result) {
                        String status =
                                result.isSucceeded() && result.getResponse().getStatus() == 200
                                        ? status(getContentAsString())
                                        : "";
                        if (status.isEmpty()) {
                            failed.increment();
                            slots.release();
                        } else if (JobStatus.fromWire(status)
                                .map(JobStatus::isTerminal)
                                .orElse(false)) {
                            finished(jobId, status, submittedNanos);
                        } else {
                            poll(jobId, submittedNanos);
                        }
                    }
                });
    }

    private void finished(String jobId, String status, long submittedNanos) {
        submitToAnswer.recordValue((System.nanoTime() - submittedNanos) / 1000);
        answered.increment();
        synchronized (kept) {
            if (kept.size() < KEPT) {
                kept.add(new Answer(jobId, status, Instant.now()));
            }
        }
        slots.release();
    }

    private static String status(String body) {
        try {
            return JSON.readTree(body).path("status").asText("");
        } catch (IOException unreadable) {
            return "";
        }
    }

    /** Counts so far: accepted jobs seen, watched, skipped (all watchers busy), answered, failed polls. */
    record Counts(long seen, long watched, long skipped, long answered, long failed) {
        /** Accepted jobs per watched one: what a count of watched answers is multiplied by. */
        double scale() {
            return watched == 0 ? 0 : (double) seen / watched;
        }
    }

    Counts counts() {
        return new Counts(seen.get(), watched.sum(), skipped.sum(), answered.sum(), failed.sum());
    }

    /** Submit to answer seen (microseconds) of the jobs answered since the last call. */
    org.HdrHistogram.Histogram submitToAnswer() {
        return submitToAnswer.getIntervalHistogram();
    }

    /** The answers kept since the last call (at most {@value #KEPT}), and forgets them. */
    List<Answer> takeAnswers() {
        synchronized (kept) {
            List<Answer> out = List.copyOf(kept);
            kept.clear();
            return out;
        }
    }

    /** Watched jobs still waited for. */
    int waiting() {
        return maxWatched - slots.availablePermits();
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
