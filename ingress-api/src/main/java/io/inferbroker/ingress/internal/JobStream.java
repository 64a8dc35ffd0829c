package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.TokenDelta;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code GET /v1/jobs/{id}/stream}: Server-Sent Events of a job's tokens ({@code event: token},
 * {@code id} = its {@link StreamPosition}), status changes ({@code event: status}), and a last
 * {@code event: done} with the finished job or {@code event: error} with a problem; nothing else
 * ever ends the stream, so a cut connection is detectable. Tokens the client already saw (its
 * {@code Last-Event-ID}) are skipped; earlier tokens come from this instance's memory when it has
 * them all, otherwise from the tokens topic. Runs on its own (virtual) thread and blocks while it
 * waits. Not thread-safe.
 */
final class JobStream {
    /** Reconnection delay the stream asks clients for, in milliseconds. */
    static final long RETRY_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(JobStream.class);
    /** Pauses between reads of tokens a result overtook: from this, doubling, up to the longest. */
    private static final Duration FIRST_PAUSE = Duration.ofMillis(50);

    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(1);
    /**
     * Longest a token can be on its way after its job completed: a worker's producer gives up on a
     * record after its delivery timeout (two minutes by default), plus room for the clocks' skew.
     */
    private static final Duration IN_FLIGHT_LIMIT = Duration.ofMinutes(5);

    private final Context ctx;
    private final FeedSubscription sub;
    private final LocalJobs jobs;
    private final TokenHistory history;
    /** The job as it stood when the stream opened. */
    private final JobView job;

    private final Function<JobResult, ObjectNode> finished;
    private final ProblemResponder problems;
    private final ObjectMapper mapper;
    private final Settings settings;
    private final IngressMetrics metrics;
    private final SseWriter sse;
    private StreamPosition position;
    /** Text sent on this connection for the current attempt, when it was sent from the attempt's start. */
    private @Nullable StringBuilder attemptText;

    /**
     * How long a stream stays open, how often it sends a keep-alive comment, and how long a finished
     * job's stream waits for tokens its result overtook.
     */
    record Settings(Duration maxDuration, Duration keepAlive, Duration tokensGrace) {}

    JobStream(
            Context ctx,
            FeedSubscription sub,
            LocalJobs jobs,
            TokenHistory history,
            JobView job,
            StreamPosition from,
            Function<JobResult, ObjectNode> finished,
            ProblemResponder problems,
            ObjectMapper mapper,
            Settings settings,
            IngressMetrics metrics) {
        this.ctx = ctx;
        this.sub = sub;
        this.jobs = jobs;
        this.history = history;
        this.job = job;
        this.position = from;
        this.attemptText = from.seq() == 0 ? new StringBuilder() : null;
        this.finished = finished;
        this.problems = problems;
        this.mapper = mapper;
        this.settings = settings;
        this.metrics = metrics;
        this.sse = new SseWriter(ctx.res());
    }

    /** Streams until the job is done, the stream's time is up, or the client leaves. */
    void run() {
        DisconnectWatch watch = DisconnectWatch.start(ctx, sub::close);
        try {
            sse.open(sub.jobId());
            sse.retry(RETRY_MS);
            if (job.status().isTerminal()) {
                sub.close();
                replayFinished();
                return;
            }
            // Where the job stands now; later transitions follow as they happen.
            sse.event(
                    null,
                    "status",
                    mapper.createObjectNode()
                            .put("status", job.status().wireName())
                            .toString());
            backlog();
            live();
        } catch (IOException e) {
            sub.close(); // the client left; the job goes on
        } catch (FeedEndedException e) {
            ended(e);
        } catch (KafkaException e) {
            error(Problems.unavailable(
                    "the tokens of job " + sub.jobId() + " cannot be read now: " + e.getMessage(), 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watch.stop();
            sub.close();
        }
    }

    /** A finished job: its tokens from the tokens topic (if still kept), then the job. */
    private void replayFinished() throws IOException, InterruptedException {
        Instant completedAt = job.completedAt();
        List<TokenDelta> deltas = settledHistory(
                completedAt == null ? Instant.now() : completedAt,
                job.attempts(),
                job.status() == JobStatus.SUCCEEDED ? job.outputText() : null);
        metrics.streamBacklog("kafka");
        for (TokenDelta d : deltas) {
            token(d);
        }
        done(job.body());
    }

    /** What the job produced before this stream subscribed: from memory when complete there, else Kafka. */
    private void backlog() throws IOException, InterruptedException {
        List<TokenDelta> recent = jobs.recentTokens(sub.jobId(), position);
        if (recent == null) {
            recent = history.read(sub.jobId(), job.createdAt(), null);
            metrics.streamBacklog("kafka");
        } else {
            metrics.streamBacklog("memory");
        }
        for (TokenDelta d : recent) {
            token(d);
        }
    }

    private void live() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + settings.maxDuration().toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                error(Problems.streamTimeout(sub.jobId(), settings.maxDuration()));
                return;
            }
            Optional<FeedRecord> next = sub.next(
                    Duration.ofNanos(Math.min(left, settings.keepAlive().toNanos())));
            if (next.isEmpty()) {
                sse.comment("keep-alive");
                continue;
            }
            switch (next.get()) {
                case FeedRecord.Token t -> {
                    if (token(t.delta())) {
                        metrics.tokenStreamed(t.delta().at(), t.delta().seq() == 1);
                    }
                }
                case FeedRecord.Status s -> status(s.event());
                case FeedRecord.Result r -> {
                    result(r.result());
                    return;
                }
            }
        }
    }

    /** Sends {@code d} unless the client saw it already; true when sent. */
    private boolean token(TokenDelta d) throws IOException {
        if (!position.isBefore(d)) {
            return false; // seen already: on this connection, or before the client resumed
        }
        if (d.attempt() > position.attempt()) {
            // A re-run starts its text again: what the earlier attempt produced is void.
            ObjectNode reset = mapper.createObjectNode()
                    .put("status", "running")
                    .put("attempt", d.attempt())
                    .put("tokens_reset", true);
            sse.event(null, "status", reset.toString());
            attemptText = d.seq() == 1 ? new StringBuilder() : null;
        }
        position = StreamPosition.of(d);
        ObjectNode data = mapper.createObjectNode().put("index", d.index()).put("text", d.text());
        sse.event(position.eventId(), "token", data.toString());
        if (attemptText != null) {
            attemptText.append(d.text());
        }
        return true;
    }

    private void status(LifecycleEvent e) throws IOException {
        ObjectNode data = mapper.createObjectNode()
                .put("status", e.type().status().wireName())
                .put("event", mapper.valueToTree(e.type()).asText())
                .put("at", e.at().toString())
                .put("attempt", e.attempt());
        if (e.workerId() != null) {
            data.put("worker", e.workerId());
        }
        sse.event(null, "status", data.toString());
    }

    /**
     * The job finished. Tokens and results travel on different topics, so the result may overtake the
     * last tokens: when the text sent so far does not add up to the output, the rest is read from
     * the tokens topic before {@code done}.
     */
    private void result(JobResult result) throws IOException, InterruptedException {
        if (result.status() == JobStatus.SUCCEEDED && !complete(result)) {
            List<TokenDelta> deltas =
                    settledHistory(result.timings().completedAt(), result.attempt(), OpenAiResponses.text(result));
            for (TokenDelta d : deltas) {
                if (d.attempt() == result.attempt()) {
                    token(d);
                }
            }
        }
        done(finished.apply(result));
    }

    /**
     * The job's tokens from the tokens topic, up to its completion. When the job succeeded with
     * {@code text}, the tokens of the {@code attempt} that produced it are read again while they do
     * not add up to it: a result can be readable before the last tokens written ahead of it (their
     * partition acknowledged later, say while Kafka moves a leader), so the stream waits for them,
     * up to the tokens grace, and then ends with what it has. Tokens of a job that completed longer
     * ago than a worker may take to deliver them are not waited for: they are not on their way.
     */
    private List<TokenDelta> settledHistory(Instant completedAt, int attempt, @Nullable String text)
            throws InterruptedException {
        List<TokenDelta> deltas = history.read(sub.jobId(), job.createdAt(), completedAt);
        long grace = Math.min(
                settings.tokensGrace().toNanos(),
                Duration.between(Instant.now(), completedAt.plus(IN_FLIGHT_LIMIT))
                        .toNanos());
        if (text == null || grace <= 0 || text.equals(textOf(deltas, attempt))) {
            return deltas;
        }
        metrics.streamTokensLate();
        long deadline = System.nanoTime() + grace;
        long pause = FIRST_PAUSE.toNanos();
        for (long left = grace; left > 0; left = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
            deltas = history.read(sub.jobId(), job.createdAt(), completedAt);
            if (text.equals(textOf(deltas, attempt))) {
                return deltas;
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE.toNanos());
        }
        LOG.warn(
                "the tokens of job {} attempt {} do not add up to its output; its stream ends without the rest",
                sub.jobId(),
                attempt);
        return deltas;
    }

    /** The text of {@code attempt}'s tokens among {@code deltas}, each sequence number once, in order. */
    private static String textOf(List<TokenDelta> deltas, int attempt) {
        TreeMap<Long, String> bySeq = new TreeMap<>();
        for (TokenDelta d : deltas) {
            if (d.attempt() == attempt) {
                bySeq.putIfAbsent(d.seq(), d.text());
            }
        }
        return String.join("", bySeq.values());
    }

    private boolean complete(JobResult result) {
        if (result.output() == null || !result.output().has("text")) {
            return true; // nothing streamed as text (embeddings, free-form output)
        }
        return attemptText != null
                && position.attempt() == result.attempt()
                && attemptText.toString().equals(OpenAiResponses.text(result));
    }

    private void done(ObjectNode finished) throws IOException {
        sse.event(null, "done", finished.toString());
    }

    private void ended(FeedEndedException e) {
        ProblemException problem = switch (e.reason()) {
            case CLOSED -> null; // closed because the client went away
            case OVERFLOW -> Problems.streamTooSlow(sub.jobId(), position.eventId());
            case FEED_CLOSED ->
                Problems.unavailable(
                        "this ingress stopped reading job updates; reconnect with Last-Event-ID " + position.eventId(),
                        1);
        };
        if (problem != null) {
            error(problem);
        }
    }

    private void error(ProblemException problem) {
        try {
            sse.event(
                    null, "error", problems.body(problem.problem(), ctx.path()).toString());
        } catch (IOException io) {
            sub.close();
        }
    }
}
