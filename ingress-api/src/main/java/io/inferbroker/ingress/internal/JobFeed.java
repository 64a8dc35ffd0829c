package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.WireSerdes;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Live terminal results for the waiters of this ingress instance ({@code Prefer: wait}, {@code
 * ?wait=}). Every instance reads every partition of the results topic from the end (fan-out), so a
 * client may wait on any instance. Subscribe before the result can appear (before producing the
 * job, before reading the store), then wait on the future; always {@link #unsubscribe} (the caller
 * does, in a {@code finally} or on completion). Memory holds one small entry per waiter. The first
 * result per job completes its waiters; later ones (a re-run after failover) are ignored here.
 * Thread-safe; closing stops the reader and fails every waiter.
 */
public final class JobFeed implements AutoCloseable {
    private final ConcurrentMap<String, CopyOnWriteArrayList<CompletableFuture<JobResult>>> waiters =
            new ConcurrentHashMap<>();
    private final FanOutReader reader;
    private final AtomicBoolean closed = new AtomicBoolean();

    public JobFeed(Properties kafkaClient, String resultsTopic, IngressMetrics metrics) {
        this.reader = new FanOutReader(kafkaClient, resultsTopic, false, "ingress-job-feed", this::onRecord);
        metrics.gauge("broker.ingress.waiters", "Requests waiting for a job's result", this, JobFeed::waiting);
    }

    /** A future completed with the job's first terminal result seen from now on. */
    public CompletableFuture<JobResult> subscribe(String jobId) {
        CompletableFuture<JobResult> future = new CompletableFuture<>();
        waiters.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(future);
        return future;
    }

    /** Forgets a waiter (completed, timed out or abandoned). */
    public void unsubscribe(String jobId, CompletableFuture<JobResult> future) {
        waiters.computeIfPresent(jobId, (k, list) -> {
            list.remove(future);
            return list.isEmpty() ? null : list;
        });
    }

    /** True once the feed reads every partition of the results topic. */
    public boolean isReady() {
        return reader.isAssigned();
    }

    int waiting() {
        return waiters.values().stream().mapToInt(java.util.List::size).sum();
    }

    private void onRecord(ConsumerRecord<String, byte[]> record) {
        var list = waiters.get(record.key());
        if (list == null) {
            return;
        }
        JobResult result = WireSerdes.JOB_RESULT.deserialize(record.topic(), record.value());
        if (result != null) {
            list.forEach(f -> f.complete(result));
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            reader.close();
            waiters.values()
                    .forEach(list -> list.forEach(
                            f -> f.completeExceptionally(new IllegalStateException("the ingress is shutting down"))));
            waiters.clear();
        }
    }
}
