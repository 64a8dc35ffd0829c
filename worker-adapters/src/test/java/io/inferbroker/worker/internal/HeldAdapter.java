package io.inferbroker.worker.internal;

import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.TokenSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** An adapter whose jobs finish only when the test says so. */
final class HeldAdapter implements ModelAdapter {
    final Map<String, CompletableFuture<JobOutcome>> jobs = new ConcurrentHashMap<>();
    final Map<String, TokenSink> sinks = new ConcurrentHashMap<>();

    @Override
    public String kind() {
        return "held";
    }

    @Override
    public String description() {
        return "jobs finish when the test completes them";
    }

    @Override
    public List<CompletableFuture<JobOutcome>> run(String model, List<DispatchedJob> batch, TokenSink sink) {
        return batch.stream()
                .map(job -> {
                    sinks.put(job.jobId(), sink);
                    return jobs.computeIfAbsent(job.jobId(), id -> new CompletableFuture<>());
                })
                .toList();
    }

    @Override
    public void close() {
        jobs.values().forEach(f -> f.cancel(false));
    }
}
