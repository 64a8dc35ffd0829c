package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.store.api.Principal;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /v1/jobs/{id}/stream}: checks the caller may see the job and where it resumes, then
 * hands the connection to a {@link JobStream} on its own virtual thread. The stream subscribes to
 * the job before the job is looked up, so nothing produced in between is missed. Close it to stop
 * the open streams' threads.
 */
public final class JobStreamHandler implements AutoCloseable {
    /** Longest a stream stays open; the client then reconnects with {@code Last-Event-ID}. */
    static final Duration MAX_DURATION = Duration.ofMinutes(30);

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** Longest a finished job's stream waits for tokens its result overtook on the way. */
    static final Duration TOKENS_GRACE = Duration.ofSeconds(15);

    private final JobsHandler jobs;
    private final JobWaits waits;
    private final JobFeed feed;
    private final LocalJobs local;
    private final TokenHistory history;
    private final ObjectMapper mapper;
    private final ProblemResponder problems;
    private final IngressMetrics metrics;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("job-stream-", 0).factory());

    public JobStreamHandler(
            JobsHandler jobs,
            JobWaits waits,
            JobFeed feed,
            LocalJobs local,
            Properties kafkaClient,
            String tokensTopic,
            Duration timeout,
            IngressMetrics metrics) {
        this.jobs = jobs;
        this.waits = waits;
        this.feed = feed;
        this.local = local;
        this.history = new TokenHistory(kafkaClient, tokensTopic, timeout);
        metrics.tokenHistoryRecords(history, TokenHistory::recordsScanned);
        this.mapper = new ObjectMapper();
        this.problems = new ProblemResponder(mapper);
        this.metrics = metrics;
    }

    public void stream(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        String id = ctx.pathParam("id");
        StreamPosition from = lastEventId(ctx);
        String base = jobs.baseUrl(ctx);
        // The lookup may wait for a database connection: not on a server thread.
        ctx.future(() -> CompletableFuture.runAsync(() -> open(ctx, principal, id, from, base), threads));
    }

    private void open(Context ctx, Principal principal, String id, StreamPosition from, String base) {
        FeedSubscription sub = feed.subscribeStream(id);
        JobView job;
        try {
            job = jobs.view(principal, id, base);
        } catch (RuntimeException e) {
            sub.close();
            throw e;
        }
        new JobStream(
                        ctx,
                        sub,
                        local,
                        history,
                        job,
                        from,
                        result -> waits.finished(result, job.body(), base),
                        problems,
                        mapper,
                        new JobStream.Settings(MAX_DURATION, KEEP_ALIVE, TOKENS_GRACE),
                        metrics)
                .run();
    }

    private static StreamPosition lastEventId(Context ctx) {
        String header = ctx.header("Last-Event-ID");
        if (header == null || header.isBlank()) {
            return StreamPosition.START;
        }
        return StreamPosition.parse(header).orElseThrow(() -> Problems.invalidLastEventId(header));
    }

    /** Ends the threads of open streams and releases the Kafka readers; idempotent. */
    @Override
    public void close() {
        threads.shutdownNow();
        history.close();
    }
}
