package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.store.api.JobStore;
import io.inferbroker.store.api.StoreException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Holding jobs requests until their job is terminal: {@code Prefer: wait} on a submit and
 * {@code ?wait} on a get. The caller subscribes (with {@link #subscribe}) before it produces the
 * job or looks it up, then hands the subscription here, which closes it. A finished job is answered
 * from the store when the store has it, otherwise built from the result. Thread-safe.
 */
public final class JobWaits {
    private final JobFeed feed;
    private final JobStore store;
    private final JobJson json;
    private final IngressMetrics metrics;
    /** The results waited for by holds under way. */
    private final Set<CompletableFuture<Optional<JobResult>>> held = ConcurrentHashMap.newKeySet();

    private volatile boolean released;

    public JobWaits(JobFeed feed, JobStore store, JobJson json, IngressMetrics metrics) {
        this.feed = feed;
        this.store = store;
        this.json = json;
        this.metrics = metrics;
    }

    /** Subscribes to a job's result; call before producing or looking the job up. */
    public FeedSubscription subscribe(String jobId) {
        return feed.subscribe(jobId);
    }

    /**
     * Holds an accepted submit for up to {@code wait}: {@code 200} with the finished job, or
     * {@code accepted} (the usual 202) when the time is up. Both carry {@code Preference-Applied}.
     */
    public CompletableFuture<Void> holdSubmit(
            Context ctx, FeedSubscription sub, Duration wait, JobRequested job, String baseUrl, Runnable accepted) {
        return held(sub.awaitResult(wait)).handle((result, error) -> {
            sub.close();
            ctx.header("Preference-Applied", WaitPreference.applied(wait));
            if (error != null || result.isEmpty()) {
                metrics.waited("jobs", error == null ? "timeout" : "failed");
                accepted.run();
                return null;
            }
            metrics.waited("jobs", "finished");
            ObjectNode done = finished(result.get(), job.metadata(), baseUrl);
            ctx.status(200).contentType(JobsHandler.JSON).result(json.write(done));
            return null;
        });
    }

    /**
     * Holds a get for up to {@code wait} unless {@code current} (the job as known now, looked up
     * after subscribing) is terminal already; then answers the job as it is.
     *
     * @param lookup the job as known at a moment: answered when the time is up
     */
    public CompletableFuture<Void> holdGet(
            Context ctx,
            FeedSubscription sub,
            Duration wait,
            ObjectNode current,
            String baseUrl,
            Supplier<ObjectNode> lookup) {
        if (isTerminal(current)) {
            sub.close();
            ctx.contentType(JobsHandler.JSON).result(json.write(current));
            return CompletableFuture.completedFuture(null);
        }
        return held(sub.awaitResult(wait)).handle((result, error) -> {
            sub.close();
            ObjectNode answer;
            if (error == null && result.isPresent()) {
                metrics.waited("jobs", "finished");
                answer = finished(result.get(), current, baseUrl);
            } else {
                metrics.waited("jobs", error == null ? "timeout" : "failed");
                answer = lookup.get();
            }
            ctx.contentType(JobsHandler.JSON).result(json.write(answer));
            return null;
        });
    }

    /**
     * Ends every hold now, as if its time were up (the server is stopping): a held submit answers
     * 202 with the accepted job, a held get the job as it is; holds that start later end at once.
     */
    public void releaseHolds() {
        released = true;
        held.forEach(awaited -> awaited.complete(Optional.empty()));
    }

    private CompletableFuture<Optional<JobResult>> held(CompletableFuture<Optional<JobResult>> awaited) {
        held.add(awaited);
        awaited.whenComplete((r, e) -> held.remove(awaited));
        if (released) {
            awaited.complete(Optional.empty());
        }
        return awaited;
    }

    /**
     * The finished job, with the metadata of {@code before} (the same job as it was known earlier): the
     * result carries none.
     */
    ObjectNode finished(JobResult result, ObjectNode before, String baseUrl) {
        ObjectNode job = finished(result, Map.of(), baseUrl);
        job.set("metadata", before.get("metadata"));
        return job;
    }

    /** The finished job: as the store has it when it has it finished, else built from the result. */
    ObjectNode finished(JobResult result, Map<String, String> metadata, String baseUrl) {
        Optional<ObjectNode> stored;
        try {
            stored = store.find(result.tenantId(), result.jobId())
                    .filter(j -> j.status().isTerminal())
                    .map(j -> json.stored(j, baseUrl));
        } catch (StoreException e) {
            // The result itself is at hand: answer from it rather than fail.
            stored = Optional.empty();
        }
        return stored.orElseGet(() -> json.finished(result, metadata, baseUrl));
    }

    private static boolean isTerminal(ObjectNode job) {
        return JobStatus.fromWire(job.path("status").asText())
                .map(JobStatus::isTerminal)
                .orElse(false);
    }
}
