package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.TokenDelta;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One streamed OpenAI answer ({@code stream: true}): a chunk per token delta in order, the first
 * chat chunk carrying {@code role: assistant}, a final chunk with the finish reason, a usage chunk
 * when asked for, then {@code data: [DONE]}. Headers go out with the first chunk, so a job that
 * fails or times out before any token is answered with an ordinary OpenAI error; later failures
 * become an {@code {"error":...}} event that ends the stream. Runs on its own (virtual) thread;
 * blocks while it waits. Not thread-safe.
 */
final class OpenAiStream {
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final Context ctx;
    private final JobRequested job;
    private final OpenAiRequest request;
    private final FeedSubscription sub;
    private final OpenAiResponses responses;
    private final Duration timeout;
    private final String jobUrl;
    private final Runnable onClientGone;
    private final IngressMetrics metrics;
    private final long created;
    private final StringBuilder streamed = new StringBuilder();
    private boolean first = true;
    private int attempt = -1;
    private long lastSeq;

    OpenAiStream(
            Context ctx,
            JobRequested job,
            OpenAiRequest request,
            FeedSubscription sub,
            OpenAiResponses responses,
            Duration timeout,
            String jobUrl,
            Runnable onClientGone,
            IngressMetrics metrics) {
        this.ctx = ctx;
        this.job = job;
        this.request = request;
        this.sub = sub;
        this.responses = responses;
        this.timeout = timeout;
        this.jobUrl = jobUrl;
        this.onClientGone = onClientGone;
        this.metrics = metrics;
        this.created = job.acceptedAt().getEpochSecond();
    }

    /** Streams until the job's result, the timeout, or the client's departure. */
    void run() {
        SseWriter sse = new SseWriter(ctx.res());
        DisconnectWatch watch = DisconnectWatch.start(ctx, onClientGone);
        try {
            stream(sse);
        } catch (IOException e) {
            onClientGone.run();
        } catch (FeedEndedException e) {
            ended(sse, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watch.stop();
            sub.close();
        }
    }

    private void stream(SseWriter sse) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                timedOut(sse);
                return;
            }
            Optional<FeedRecord> next = sub.next(Duration.ofNanos(Math.min(left, KEEP_ALIVE.toNanos())));
            if (next.isEmpty()) {
                if (sse.isOpen()) {
                    sse.comment("keep-alive");
                }
                continue;
            }
            switch (next.get()) {
                case FeedRecord.Token t -> token(sse, t.delta());
                case FeedRecord.Status s -> {
                    // Status changes have no place in OpenAI's stream.
                }
                case FeedRecord.Result r -> {
                    finish(sse, r.result());
                    return;
                }
            }
        }
    }

    private void token(SseWriter sse, TokenDelta delta) throws IOException {
        if (delta.attempt() != attempt) {
            // A retried job starts its sequence again; what was sent stays sent.
            attempt = delta.attempt();
            lastSeq = 0;
        }
        if (delta.seq() <= lastSeq) {
            return;
        }
        lastSeq = delta.seq();
        send(sse, delta.text());
    }

    private void send(SseWriter sse, String text) throws IOException {
        sse.open(job.jobId());
        sse.data(responses.write(responses.chunk(request, job.jobId(), created, first, text)));
        first = false;
        streamed.append(text);
    }

    private void finish(SseWriter sse, JobResult result) throws IOException {
        if (result.status() != JobStatus.SUCCEEDED) {
            metrics.waited(request.endpoint().metricName(), "failed");
            fail(sse, Problems.jobEnded(result));
            return;
        }
        // Tokens and results travel on different topics: the result may overtake the last tokens.
        // The result's text is the truth; whatever of it was not streamed yet goes out now.
        String text = OpenAiResponses.text(result);
        if (text.startsWith(streamed.toString()) && text.length() > streamed.length()) {
            send(sse, text.substring(streamed.length()));
        }
        sse.open(job.jobId());
        String reason = OpenAiResponses.finishReason(result);
        sse.data(responses.write(responses.finalChunk(request, job.jobId(), created, first, reason)));
        if (request.includeUsage()) {
            sse.data(responses.write(responses.usageChunk(request, job.jobId(), created, result.usage())));
        }
        sse.data("[DONE]");
        metrics.waited(request.endpoint().metricName(), "finished");
    }

    private void timedOut(SseWriter sse) throws IOException {
        metrics.waited(request.endpoint().metricName(), "timeout");
        fail(sse, Problems.syncTimeout(job.jobId(), timeout.toSeconds(), jobUrl));
    }

    private void ended(SseWriter sse, FeedEndedException e) {
        if (e.reason() == FeedEndedException.Reason.CLOSED) {
            return; // closed because the client went away
        }
        metrics.waited(request.endpoint().metricName(), "failed");
        String detail = e.reason() == FeedEndedException.Reason.OVERFLOW
                ? "the stream of job " + job.jobId() + " was cut: the client read tokens too slowly; poll " + jobUrl
                : "the ingress stopped reading results of job " + job.jobId() + "; poll " + jobUrl;
        try {
            fail(sse, Problems.unavailable(detail, 1));
        } catch (IOException io) {
            onClientGone.run();
        }
    }

    /** Before the first chunk the failure is an ordinary error response; after it, an error event. */
    private void fail(SseWriter sse, ProblemException problem) throws IOException {
        if (!sse.isOpen()) {
            throw problem;
        }
        sse.data(responses.write(responses.error(problem.problem())));
    }
}
