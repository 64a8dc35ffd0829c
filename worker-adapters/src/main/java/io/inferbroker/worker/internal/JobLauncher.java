package io.inferbroker.worker.internal;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.TokenSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs dispatched batches on the adapter within the worker's capacity: a batch larger than the free
 * slots runs as several smaller ones as slots free up. Jobs whose deadline has passed expire
 * without running; batches for a model the worker does not serve fail; canceled jobs are stopped
 * and end canceled. {@link #launch} and {@link #cancel} belong to one thread.
 */
public final class JobLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);
    /** Cancels remembered for jobs that have not reached this worker yet (or are waiting for a slot). */
    static final int REMEMBERED_CANCELS = 10_000;

    private final Set<String> models;
    private final Capacity capacity;
    private final ModelAdapter adapter;
    private final RunContext context;
    private final JobListener listener;
    private final Map<String, CompletableFuture<JobOutcome>> running = new ConcurrentHashMap<>();
    private final Set<String> canceled = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_CANCELS;
        }
    }));
    private volatile boolean abandoned;

    public JobLauncher(
            Set<String> models, Capacity capacity, ModelAdapter adapter, RunContext context, JobListener listener) {
        this.models = Set.copyOf(models);
        this.capacity = capacity;
        this.adapter = adapter;
        this.context = context;
        this.listener = listener;
    }

    /**
     * Starts every job of {@code batch}, waiting for free slots as needed.
     *
     * @param keepWaiting asked while waiting for slots; false gives up on the jobs not started yet
     * @return completes when every job's records are published (exceptionally when one could not
     *     be); empty when the launch was given up before every job started
     */
    public Optional<CompletableFuture<Void>> launch(DispatchBatch batch, BooleanSupplier keepWaiting) {
        List<CompletableFuture<JobResult>> results = new ArrayList<>();
        if (!models.contains(batch.model())) {
            JobError error = new JobError(
                    "model_not_served", "worker " + context.workerId() + " does not serve model " + batch.model());
            for (DispatchedJob job : batch.jobs()) {
                results.add(new JobRun(batch, job, 1, context).refuse(JobStatus.FAILED, error));
            }
            return Optional.of(allOf(results));
        }
        List<DispatchedJob> jobs = batch.jobs();
        int next = 0;
        while (next < jobs.size()) {
            int taken = capacity.acquireUpTo(jobs.size() - next, keepWaiting);
            if (taken == 0) {
                return Optional.empty();
            }
            listener.inFlightChanged();
            results.addAll(runChunk(batch, jobs.subList(next, next + taken)));
            next += taken;
        }
        return Optional.of(allOf(results));
    }

    /**
     * Cancels jobs: a running job is stopped on the adapter (its upstream call aborted) and ends
     * {@code canceled}; a job not started yet ends {@code canceled} without running when it comes.
     * Unknown ids are remembered for a while, as their batch may still be on its way.
     */
    public void cancel(List<String> jobIds) {
        for (String jobId : jobIds) {
            canceled.add(jobId);
            CompletableFuture<JobOutcome> outcome = running.get(jobId);
            if (outcome != null) {
                outcome.cancel(true);
            }
        }
    }

    /** Jobs running on the adapter now, by id. */
    public Set<String> runningJobIds() {
        return Set.copyOf(running.keySet());
    }

    /** After this, outcomes that arrive are no longer published (the worker is going away). */
    public void abandon() {
        abandoned = true;
    }

    private List<CompletableFuture<JobResult>> runChunk(DispatchBatch batch, List<DispatchedJob> chunk) {
        Instant now = context.clock().instant();
        List<CompletableFuture<JobResult>> results = new ArrayList<>();
        List<DispatchedJob> live = new ArrayList<>();
        for (DispatchedJob job : chunk) {
            if (canceled.contains(job.jobId())) {
                JobError error = new JobError("canceled", "the job was canceled before it started");
                results.add(released(new JobRun(batch, job, 1, context).refuse(JobStatus.CANCELED, error)));
            } else if (job.deadline() != null && !now.isBefore(job.deadline())) {
                JobError error = new JobError("deadline_exceeded", "the job's deadline passed before it started");
                results.add(released(new JobRun(batch, job, 1, context).refuse(JobStatus.EXPIRED, error)));
            } else {
                live.add(job);
            }
        }
        if (live.isEmpty()) {
            return results;
        }
        List<JobRun> runs = new ArrayList<>();
        Map<String, JobRun> byId = new HashMap<>();
        for (DispatchedJob job : live) {
            JobRun run = new JobRun(batch, job, live.size(), context);
            runs.add(run);
            byId.putIfAbsent(job.jobId(), run);
            run.start();
        }
        TokenSink sink = (jobId, index, text) -> {
            JobRun run = byId.get(jobId);
            if (run != null && !abandoned) {
                run.token(index, text);
            }
        };
        List<CompletableFuture<JobOutcome>> outcomes = startOnAdapter(batch.model(), live, sink);
        for (int i = 0; i < runs.size(); i++) {
            JobRun run = runs.get(i);
            String jobId = run.job().jobId();
            CompletableFuture<JobOutcome> outcome = outcomes.get(i);
            running.put(jobId, outcome);
            outcome.whenComplete((done, error) -> running.remove(jobId, outcome));
            if (canceled.contains(jobId)) {
                outcome.cancel(true);
            }
            results.add(released(outcome.handle(JobLauncher::orFailure).thenCompose(ended -> publish(run, ended))));
        }
        return results;
    }

    private CompletableFuture<JobResult> publish(JobRun run, JobOutcome outcome) {
        if (abandoned) {
            run.abandon();
            return CompletableFuture.failedFuture(new CancellationException(
                    "worker stopped before job " + run.job().jobId() + " finished"));
        }
        if (outcome instanceof JobOutcome.Failed failed
                && canceled.contains(run.job().jobId())) {
            return run.cancel(failed.partialUsage());
        }
        return run.finish(outcome);
    }

    private List<CompletableFuture<JobOutcome>> startOnAdapter(String model, List<DispatchedJob> jobs, TokenSink sink) {
        List<CompletableFuture<JobOutcome>> outcomes;
        try {
            outcomes = new ArrayList<>(adapter.run(model, jobs, sink));
        } catch (RuntimeException e) {
            LOG.warn("the {} adapter refused a batch of {} jobs for {}", adapter.kind(), jobs.size(), model, e);
            outcomes = new ArrayList<>();
        }
        while (outcomes.size() < jobs.size()) {
            outcomes.add(CompletableFuture.completedFuture(
                    JobOutcome.failed("adapter_error", "the " + adapter.kind() + " adapter did not run the job")));
        }
        return outcomes;
    }

    private static JobOutcome orFailure(@Nullable JobOutcome outcome, @Nullable Throwable error) {
        if (outcome != null) {
            return outcome;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException) {
            return JobOutcome.failed("canceled", "the job was stopped on the worker");
        }
        return JobOutcome.failed("adapter_error", String.valueOf(cause));
    }

    /** Frees the job's slot once its records are published (or could not be). */
    private CompletableFuture<JobResult> released(CompletableFuture<JobResult> published) {
        return published.whenComplete((result, error) -> {
            capacity.release();
            listener.inFlightChanged();
            if (result != null) {
                listener.finished(result);
            }
        });
    }

    private static CompletableFuture<Void> allOf(List<CompletableFuture<JobResult>> results) {
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new));
    }
}
