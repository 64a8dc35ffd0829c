package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.inferbroker.ingress.IngressConfig;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.store.api.Principal;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/chat/completions}, {@code /v1/completions} and {@code /v1/embeddings}:
 * synchronous for the caller, a job on Kafka inside. Each request becomes a {@link JobRequested}
 * whose {@code reply_to} names this instance; the handler subscribes to the job in the
 * {@link JobFeed} before producing it, then answers OpenAI's shape (or streams it) when the result
 * comes. A valid request is first put to the {@link AdmissionPolicy}, as {@code POST /v1/jobs} is
 * (the same tenant rate limits and model queue limits); a refused one is answered 429 or 503 in
 * OpenAI's error shape with {@code Retry-After} and the RateLimit headers, and nothing reaches
 * Kafka. Answers carry {@code x-job-id}. After {@code http.sync_timeout_ms} the caller gets a 504
 * naming the job, which goes on. A caller that disconnects before the result has its job canceled.
 * Close it to stop the streaming threads.
 */
public final class OpenAiHandler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiHandler.class);

    private final IngressConfig config;
    private final OpenAiRequests requests;
    private final SubmitParser json;
    private final OpenAiResponses responses;
    private final JobSubmitter submitter;
    private final AdmissionPolicy admission;
    private final JobFeed feed;
    private final ControlSender control;
    private final IngressMetrics metrics;
    private final Clock clock;
    private final TimeBasedEpochGenerator ids = Generators.timeBasedEpochGenerator();
    private final Consumer<JobRequested> onAccepted;
    private final ExecutorService streams = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("openai-stream-", 0).factory());

    public OpenAiHandler(
            IngressConfig config,
            ObjectMapper mapper,
            JobSubmitter submitter,
            AdmissionPolicy admission,
            JobFeed feed,
            ControlSender control,
            IngressMetrics metrics,
            Clock clock,
            Consumer<JobRequested> onAccepted) {
        this.config = config;
        this.requests = new OpenAiRequests(config.models());
        this.json = new SubmitParser(mapper, config.models());
        this.responses = new OpenAiResponses(mapper);
        this.submitter = submitter;
        this.admission = admission;
        this.feed = feed;
        this.control = control;
        this.metrics = metrics;
        this.clock = clock;
        this.onAccepted = onAccepted;
    }

    public void chat(Context ctx) {
        handle(ctx, OpenAiEndpoint.CHAT);
    }

    public void completions(Context ctx) {
        handle(ctx, OpenAiEndpoint.COMPLETION);
    }

    public void embeddings(Context ctx) {
        handle(ctx, OpenAiEndpoint.EMBEDDING);
    }

    private void handle(Context ctx, OpenAiEndpoint endpoint) {
        JobsHandler.requireJson(ctx);
        Principal principal = Authenticator.principal(ctx);
        OpenAiRequest request = requests.parse(endpoint, json.readJson(ctx.bodyAsBytes()));
        // Invalid requests are not counted; a refused one throws the problem, answered in OpenAI's shape.
        AdmissionProblems.apply(
                admission.admit(
                        new AdmissionRequest(principal.tenantId(), request.model(), TokenEstimate.of(request.input()))),
                ctx);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        JobRequested job = new JobRequested(
                JobRequested.VERSION,
                ids.generate().toString(),
                principal.tenantId(),
                principal.keyId(),
                request.model(),
                endpoint.kind(),
                request.input(),
                request.priority(),
                null,
                null,
                request.metadata(),
                null,
                feed.instanceId(),
                now);
        // Subscribed before producing, so neither a token nor the result can slip past.
        FeedSubscription sub = request.stream() ? feed.subscribeStream(job.jobId()) : feed.subscribe(job.jobId());
        ctx.header(OpenAiErrors.JOB_ID_HEADER, job.jobId());
        String jobUrl = jobUrl(ctx, job.jobId());
        Runnable onClientGone = new Cancel(job, sub, endpoint);
        CompletableFuture<Void> acked = submit(job, sub);
        if (request.stream()) {
            OpenAiStream stream = new OpenAiStream(
                    ctx, job, request, sub, responses, config.syncTimeout(), jobUrl, onClientGone, metrics);
            ctx.future(() -> acked.thenRunAsync(stream::run, streams));
        } else {
            ctx.future(() -> acked.thenCompose(ignored -> answer(ctx, job, request, sub, jobUrl, onClientGone)));
        }
    }

    private CompletableFuture<Void> submit(JobRequested job, FeedSubscription sub) {
        return submitter.submit(job).handle((ok, error) -> {
            if (error != null) {
                sub.close();
                metrics.submitted(job.model(), "unavailable");
                LOG.warn(
                        "job {} not acknowledged by Kafka: {}",
                        job.jobId(),
                        cause(error).toString());
                throw Problems.unavailable("the job could not be queued: Kafka did not acknowledge it in time", 1);
            }
            metrics.submitted(job.model(), "accepted");
            // The answer carries the job's id: a GET of it right after must find the job.
            onAccepted.accept(job);
            return null;
        });
    }

    private CompletableFuture<Void> answer(
            Context ctx,
            JobRequested job,
            OpenAiRequest request,
            FeedSubscription sub,
            String jobUrl,
            Runnable onClientGone) {
        DisconnectWatch watch = DisconnectWatch.start(ctx, onClientGone);
        String endpoint = request.endpoint().metricName();
        return sub.awaitResult(config.syncTimeout()).handle((result, error) -> {
            watch.stop();
            sub.close();
            if (watch.clientGone()) {
                return null; // nobody to answer; the job was canceled
            }
            if (error != null) {
                metrics.waited(endpoint, "failed");
                throw Problems.unavailable("the ingress stopped reading results; poll " + jobUrl, 1);
            }
            if (result.isEmpty()) {
                metrics.waited(endpoint, "timeout");
                throw Problems.syncTimeout(job.jobId(), config.syncTimeout().toSeconds(), jobUrl);
            }
            JobResult r = result.get();
            if (r.status() != JobStatus.SUCCEEDED) {
                metrics.waited(endpoint, "failed");
                throw Problems.jobEnded(r);
            }
            metrics.waited(endpoint, "finished");
            long created = job.acceptedAt().getEpochSecond();
            ctx.status(200)
                    .contentType(JobsHandler.JSON)
                    .result(responses.write(responses.answer(request, r, created)));
            return null;
        });
    }

    private String jobUrl(Context ctx, String jobId) {
        String base = config.publicBaseUrl().isEmpty() ? ctx.scheme() + "://" + ctx.host() : config.publicBaseUrl();
        return base + "/v1/jobs/" + jobId;
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** The client went away before its answer: cancel the job (once) and stop waiting for it. */
    private final class Cancel implements Runnable {
        private final JobRequested job;
        private final FeedSubscription sub;
        private final OpenAiEndpoint endpoint;
        private final AtomicBoolean done = new AtomicBoolean();

        Cancel(JobRequested job, FeedSubscription sub, OpenAiEndpoint endpoint) {
            this.job = job;
            this.sub = sub;
            this.endpoint = endpoint;
        }

        @Override
        public void run() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            metrics.waited(endpoint.metricName(), "disconnected");
            sub.close();
            control.cancel(job.jobId(), job.tenantId(), "the client disconnected before the answer")
                    .whenComplete((ok, error) -> {
                        if (error != null) {
                            LOG.warn("could not cancel job {} after its client left: {}", job.jobId(), cause(error));
                        }
                    });
        }
    }

    /** Stops the threads of open streams; idempotent. */
    @Override
    public void close() {
        streams.shutdownNow();
    }
}
