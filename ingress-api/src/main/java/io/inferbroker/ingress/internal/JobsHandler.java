package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.inferbroker.ingress.IngressConfig;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.store.JobStore;
import io.inferbroker.store.Principal;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/jobs} and {@code GET /v1/jobs/{id}}. A submit answers 202 only after Kafka has
 * acknowledged the job. A job accepted here is visible to its tenant at once, before the result
 * store has consumed it. {@code Prefer: wait} on a submit and {@code ?wait} on a get hold the
 * request until the job is terminal (see {@link JobWaits}).
 */
public final class JobsHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JobsHandler.class);
    static final String JSON = "application/json";

    private final IngressConfig config;
    private final SubmitParser parser;
    private final JobSubmitter submitter;
    private final JobStore store;
    private final JobJson json;
    private final IngressMetrics metrics;
    private final Clock clock;
    private final JobWaits waits;
    private final TimeBasedEpochGenerator ids = Generators.timeBasedEpochGenerator();
    private final Cache<String, JobRequested> recent = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(2))
            .build();

    public JobsHandler(
            IngressConfig config,
            ObjectMapper mapper,
            JobSubmitter submitter,
            JobStore store,
            IngressMetrics metrics,
            Clock clock,
            JobWaits waits) {
        this.config = config;
        this.parser = new SubmitParser(mapper, config.models());
        this.submitter = submitter;
        this.store = store;
        this.json = new JobJson(mapper);
        this.metrics = metrics;
        this.clock = clock;
        this.waits = waits;
    }

    public void submit(Context ctx) {
        requireJson(ctx);
        Principal principal = Authenticator.principal(ctx);
        Optional<Duration> wait = WaitPreference.fromPrefer(ctx.header("Prefer"));
        // PostgreSQL keeps microseconds: show the same instant before and after the store has the job.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        SubmitParser.Submission s = parser.parse(parser.readJson(ctx.bodyAsBytes()), now);
        JobRequested job = new JobRequested(
                JobRequested.VERSION,
                ids.generate().toString(),
                principal.tenantId(),
                principal.keyId(),
                s.model(),
                s.kind(),
                s.input(),
                s.priority(),
                s.deadline(),
                s.webhook(),
                s.metadata(),
                ctx.header("Idempotency-Key"),
                null,
                now);
        long start = System.nanoTime();
        String base = baseUrl(ctx);
        // Subscribed before producing, so the result cannot slip past.
        FeedSubscription held = wait.map(w -> waits.subscribe(job.jobId())).orElse(null);
        ctx.future(() -> submitter
                .submit(job)
                .handle((ok, error) -> {
                    if (error != null) {
                        if (held != null) {
                            held.close();
                        }
                        metrics.submitted(job.model(), "unavailable");
                        LOG.warn(
                                "job {} not acknowledged by Kafka: {}",
                                job.jobId(),
                                cause(error).toString());
                        throw Problems.unavailable(
                                "the job could not be queued: Kafka did not acknowledge it in time", 1);
                    }
                    metrics.acked(Duration.ofNanos(System.nanoTime() - start));
                    metrics.submitted(job.model(), "accepted");
                    recent.put(job.jobId(), job);
                    if (held == null) {
                        accepted(ctx, job, base);
                    }
                    return null;
                })
                .thenCompose(ignored -> held == null
                        ? CompletableFuture.completedFuture(null)
                        : waits.holdSubmit(ctx, held, wait.get(), job, base, () -> accepted(ctx, job, base))));
    }

    private void accepted(Context ctx, JobRequested job, String base) {
        ctx.status(202)
                .header("Location", base + "/v1/jobs/" + job.jobId())
                .contentType(JSON)
                .result(json.write(json.accepted(job, base)));
    }

    public void get(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        String id = ctx.pathParam("id");
        String base = baseUrl(ctx);
        Optional<Duration> wait = WaitPreference.fromQuery(ctx.queryParam("wait"));
        if (wait.isEmpty()) {
            ctx.contentType(JSON).result(json.write(lookup(principal, id, base)));
            return;
        }
        // Subscribed before looking at the store, so a result landing in between is not missed.
        FeedSubscription held = waits.subscribe(id);
        ObjectNode current;
        try {
            current = lookup(principal, id, base);
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
        ctx.future(() -> waits.holdGet(ctx, held, wait.get(), current, base, () -> lookup(principal, id, base)));
    }

    private ObjectNode lookup(Principal principal, String id, String base) {
        var stored = store.find(principal.tenantId(), id);
        if (stored.isPresent()) {
            return json.stored(stored.get(), base);
        }
        JobRequested pending = recent.getIfPresent(id);
        if (pending != null && pending.tenantId().equals(principal.tenantId())) {
            return json.accepted(pending, base);
        }
        throw Problems.jobNotFound(id);
    }

    private String baseUrl(Context ctx) {
        if (!config.publicBaseUrl().isEmpty()) {
            return config.publicBaseUrl();
        }
        return ctx.scheme() + "://" + ctx.host();
    }

    static void requireJson(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return;
        }
        String base = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!base.equals(JSON) && !base.endsWith("+json")) {
            throw Problems.unsupportedMediaType(type);
        }
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
