package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.inferbroker.ingress.IngressConfig;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.WebhookTarget;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.api.IdempotencyStore;
import io.inferbroker.store.api.JobPage;
import io.inferbroker.store.api.JobStore;
import io.inferbroker.store.api.Principal;
import io.inferbroker.store.api.StoredJob;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/jobs} and {@code GET /v1/jobs/{id}}. A submit answers 202 only after Kafka has
 * acknowledged the job. A job accepted here is visible to its tenant at once, before the result
 * store has consumed it: it is remembered in {@link LocalJobs}.
 */
public final class JobsHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JobsHandler.class);
    static final String JSON = "application/json";
    static final int MAX_IDEMPOTENCY_KEY = 255;
    /** Beyond the submit timeout, how long a failed submit may take to release its key. */
    private static final Duration IN_FLIGHT_MARGIN = Duration.ofSeconds(5);
    /** How often a repeat looks again at a claim whose submit is under way. */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(20);

    private final IngressConfig config;
    private final SubmitParser parser;
    private final WebhookTargets webhookTargets;
    private final JobSubmitter submitter;
    private final JobStore store;
    private final ControlSender control;
    private final IdempotencyStore idempotency;
    private final JobWaits waits;
    private final Executor blocking = Executors.newVirtualThreadPerTaskExecutor();
    private final JobJson json;
    private final IngressMetrics metrics;
    private final Clock clock;
    private final TimeBasedEpochGenerator ids = Generators.timeBasedEpochGenerator();
    /** What this instance knows of jobs: those accepted here, where those produced here stand. */
    private final LocalJobs local;

    public JobsHandler(
            IngressConfig config,
            ObjectMapper mapper,
            JobSubmitter submitter,
            ControlSender control,
            IdempotencyStore idempotency,
            JobWaits waits,
            JobStore store,
            LocalJobs local,
            WebhookTargets webhookTargets,
            IngressMetrics metrics,
            Clock clock) {
        this.config = config;
        this.webhookTargets = webhookTargets;
        this.parser = new SubmitParser(mapper, config.models());
        this.submitter = submitter;
        this.control = control;
        this.idempotency = idempotency;
        this.waits = waits;
        this.store = store;
        this.local = local;
        this.json = new JobJson(mapper);
        this.metrics = metrics;
        this.clock = clock;
    }

    public void submit(Context ctx) {
        requireJson(ctx);
        Principal principal = Authenticator.principal(ctx);
        // PostgreSQL keeps microseconds: show the same instant before and after the store has the job.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        SubmitParser.Submission parsed = ctx.attribute(SubmitParser.PARSED_ATTRIBUTE);
        SubmitParser.Submission s = parsed != null ? parsed : parser.parse(parser.readJson(ctx.bodyAsBytes()), now);
        WebhookTarget webhook = s.webhook();
        if (webhook != null) {
            webhookTargets.check(webhook.url(), "/webhook/url");
        }
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
        String base = baseUrl(ctx);
        String idempotencyKey = job.idempotencyKey();
        if (idempotencyKey == null) {
            ctx.future(() -> produce(ctx, job, base, false));
            return;
        }
        if (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY) {
            throw Problems.invalidIdempotencyKey("must hold 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        String refusal = TextRules.refusal(idempotencyKey);
        if (refusal != null) {
            throw Problems.invalidIdempotencyKey(refusal);
        }
        KeyClaim claim = new KeyClaim(
                job,
                idempotencyKey,
                RequestDigest.of(parser.readJson(ctx.bodyAsBytes())),
                WireSerdes.JOB_REQUESTED.serializer().serialize(null, job),
                base);
        ClaimOutcome outcome = claim(ctx, claim);
        if (outcome instanceof InFlight) {
            ctx.future(() -> awaitEarlierSubmit(ctx, claim).thenCompose(done -> then(ctx, claim, done)));
        } else {
            ctx.future(() -> then(ctx, claim, outcome));
        }
    }

    private CompletableFuture<Void> then(Context ctx, KeyClaim claim, ClaimOutcome outcome) {
        return switch (outcome) {
            case Claimed c -> produce(ctx, claim.job(), claim.base(), false);
            case Unproduced u -> produce(ctx, u.job(), claim.base(), true);
            case Answered a -> CompletableFuture.completedFuture(null);
            case InFlight f -> throw new IllegalStateException("an earlier submit is still under way");
        };
    }

    /** Looks at the claim again every {@link #IN_FLIGHT_POLL} until its earlier submit has an outcome. */
    private CompletableFuture<ClaimOutcome> awaitEarlierSubmit(Context ctx, KeyClaim claim) {
        return CompletableFuture.supplyAsync(
                        () -> claim(ctx, claim),
                        CompletableFuture.delayedExecutor(IN_FLIGHT_POLL.toMillis(), TimeUnit.MILLISECONDS, blocking))
                .thenCompose(outcome -> outcome instanceof InFlight
                        ? awaitEarlierSubmit(ctx, claim)
                        : CompletableFuture.completedFuture(outcome));
    }

    /**
     * Produces {@code job} and answers 202 once Kafka acknowledged it (or holds the answer for
     * {@code Prefer: wait}). {@code repeat}: the job is an earlier request's, claimed by its
     * Idempotency-Key but never acknowledged; a failure then keeps the claim, since the earlier
     * attempt may have reached Kafka after all.
     */
    private CompletableFuture<Void> produce(Context ctx, JobRequested job, String base, boolean repeat) {
        String idempotencyKey = job.idempotencyKey();
        Optional<Duration> wait = WaitPreference.fromPrefer(ctx.header("Prefer"));
        // Subscribed before producing, so the result cannot slip past.
        FeedSubscription held = wait.map(w -> waits.subscribe(job.jobId())).orElse(null);
        // A stream opened here right after the 202 then needs no read of the tokens topic.
        local.producing(job.jobId());
        long start = System.nanoTime();
        return submitter
                .submit(job)
                .handle((ok, error) -> {
                    if (error != null) {
                        metrics.submitted(job.model(), "unavailable");
                        LOG.warn(
                                "job {} not acknowledged by Kafka: {}",
                                job.jobId(),
                                cause(error).toString());
                        if (held != null) {
                            held.close();
                        }
                        // The key is free again before the client hears of the failure, so its retry works.
                        return (repeat ? CompletableFuture.<Void>completedFuture(null) : release(job, idempotencyKey))
                                .thenAccept(released -> {
                                    throw Problems.unavailable(
                                            "the job could not be queued: Kafka did not acknowledge it in time", 1);
                                });
                    }
                    metrics.acked(Duration.ofNanos(System.nanoTime() - start));
                    metrics.submitted(job.model(), repeat ? "replayed" : "accepted");
                    local.accepted(job);
                    markProduced(job, idempotencyKey);
                    Runnable accepted = () -> {
                        ctx.status(202)
                                .header("Location", base + "/v1/jobs/" + job.jobId())
                                .contentType(JSON)
                                .result(json.write(json.accepted(job, base)));
                        if (repeat) {
                            ctx.header("Idempotent-Replayed", "true");
                        }
                    };
                    if (held == null) {
                        accepted.run();
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    ctx.header("Location", base + "/v1/jobs/" + job.jobId());
                    return waits.holdSubmit(ctx, held, wait.get(), job, base, accepted);
                })
                .thenCompose(f -> f);
    }

    /**
     * Records, off the request's thread, that the job holding {@code key} reached Kafka. Until then a
     * repeat of the request produces the job again (harmless: consumers take a job id once); a
     * failure to record is logged and has only that effect.
     */
    private void markProduced(JobRequested job, @Nullable String key) {
        if (key == null) {
            return;
        }
        blocking.execute(() -> {
            try {
                idempotency.produced(job.tenantId(), key, job.jobId());
            } catch (RuntimeException e) {
                LOG.warn(
                        "job {} is queued; recording that on its Idempotency-Key failed: {}",
                        job.jobId(),
                        e.getMessage());
            }
        });
    }

    /**
     * Gives up the job's idempotency claim after a failed submit, on a thread of its own: this runs
     * in Kafka's callback (the producer's I/O thread) or on the JDK's timeout thread, neither of which
     * may wait for the database. A failure to release is logged; the claim then lapses after its
     * window, and the client still hears the submit's own failure.
     */
    private CompletableFuture<Void> release(JobRequested job, @Nullable String key) {
        if (key == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        idempotency.release(job.tenantId(), key, job.jobId());
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "job {} was not queued and its Idempotency-Key stays claimed: {}",
                                job.jobId(),
                                e.getMessage());
                    }
                },
                blocking);
    }

    /** A submit's claim of its Idempotency-Key: the job, the key, the body's digest and the job's record. */
    private record KeyClaim(JobRequested job, String key, String hash, byte[] record, String base) {}

    /** What a claim of an Idempotency-Key leaves to do. */
    private sealed interface ClaimOutcome {}

    /** The key is this job's: produce it. */
    private record Claimed() implements ClaimOutcome {}

    /** A repeat of a request whose job was claimed but never acknowledged by Kafka: produce that job. */
    private record Unproduced(JobRequested job) implements ClaimOutcome {}

    /** A repeat answered with the job it made. */
    private record Answered() implements ClaimOutcome {}

    /** A repeat of a request whose submit is still under way: look again shortly. */
    private record InFlight() implements ClaimOutcome {}

    /**
     * Claims the Idempotency-Key for this job. A repeat of the same request is answered here with
     * the job it made; the key used with another body is a 409. A repeat that finds the first job's
     * submit still without Kafka's acknowledgement is {@link InFlight} for at most {@link
     * #inFlightBound()}: acknowledged in that time, it answers with that job; released (the submit
     * failed), it claims the key for itself; neither (the submitting process died), it produces the
     * first job's record again, under its own id. So a key never stands for a job that is not on Kafka.
     */
    private ClaimOutcome claim(Context ctx, KeyClaim k) {
        JobRequested job = k.job();
        IdempotencyStore.Claim claim = idempotency.claim(
                job.tenantId(), k.key(), k.hash(), job.jobId(), json.accepted(job, k.base()), k.record());
        return switch (claim) {
            case IdempotencyStore.Claim.Claimed c -> new Claimed();
            case IdempotencyStore.Claim.Conflict c -> throw Problems.idempotencyKeyReused(k.key(), c.jobId());
            case IdempotencyStore.Claim.Repeat r -> {
                if (r.unproduced().isEmpty()
                        || local.acceptedHere(job.tenantId(), r.jobId()).isPresent()) {
                    yield answerRepeat(ctx, job, r, store.find(job.tenantId(), r.jobId()), k.base());
                }
                if (r.age().compareTo(inFlightBound()) < 0) {
                    yield new InFlight();
                }
                Optional<StoredJob> stored = store.find(job.tenantId(), r.jobId());
                if (stored.isPresent()) {
                    yield answerRepeat(ctx, job, r, stored, k.base());
                }
                yield new Unproduced(WireSerdes.JOB_REQUESTED
                        .deserializer()
                        .deserialize(null, r.unproduced().get()));
            }
        };
    }

    /**
     * How long the submit of a claimed job can be under way: Kafka's acknowledgement within the
     * submit timeout, then the release of the key on failure.
     */
    private Duration inFlightBound() {
        return config.submitTimeout().plus(IN_FLIGHT_MARGIN);
    }

    private ClaimOutcome answerRepeat(
            Context ctx, JobRequested job, IdempotencyStore.Claim.Repeat r, Optional<StoredJob> stored, String base) {
        ObjectNode current = stored.map(found -> json.stored(found, base)).orElse((ObjectNode) r.job());
        metrics.submitted(job.model(), "replayed");
        boolean finished = JobStatus.fromWire(current.path("status").asText())
                .map(JobStatus::isTerminal)
                .orElse(false);
        // As for a new job: 200 only with the finished job, 202 while it is on its way.
        ctx.status(finished ? 200 : 202)
                .header("Location", base + "/v1/jobs/" + r.jobId())
                .header("Idempotent-Replayed", "true")
                .contentType(JSON)
                .result(json.write(current));
        return new Answered();
    }

    /**
     * {@code GET /v1/jobs/{id}}, with {@code ?wait=seconds} held until the job is terminal or the
     * time is up. The waiter subscribes before the store is read, so a result cannot slip between.
     */
    public void get(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        String id = ctx.pathParam("id");
        String base = baseUrl(ctx);
        Optional<Duration> wait = WaitPreference.fromQuery(ctx.queryParam("wait"));
        if (wait.isEmpty()) {
            ctx.contentType(JSON).result(json.write(current(principal, id, base)));
            return;
        }
        // Subscribed before looking at the store, so a result landing in between is not missed.
        FeedSubscription held = waits.subscribe(id);
        ObjectNode now;
        try {
            now = current(principal, id, base);
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
        ctx.future(() -> waits.holdGet(ctx, held, wait.get(), now, base, () -> current(principal, id, base)));
    }

    /** The job object as the store has it, or as accepted here when the store does not have it yet. */
    ObjectNode current(Principal principal, String id, String base) {
        return lookUp(principal, id, base).body();
    }

    /**
     * The job a stream opened here starts from. A job accepted here moments ago needs no store read
     * when this instance vouches it has not finished: at a thousand streams opening per second that
     * read would be the bottleneck; it then stands where its lifecycle events read here took it.
     * Otherwise the job as {@link #current} finds it.
     */
    JobView view(Principal principal, String id, String base) {
        Optional<JobRequested> here = local.acceptedHere(principal.tenantId(), id);
        if (here.isPresent() && local.knownUnfinished(id, here.get().acceptedAt())) {
            JobStatus status = local.producedStatus(id).orElse(JobStatus.QUEUED);
            return JobView.accepted(here.get(), status, json, base);
        }
        return lookUp(principal, id, base);
    }

    /** The job as the store has it, or as accepted here (queued) when the store does not have it yet. */
    private JobView lookUp(Principal principal, String id, String base) {
        Optional<StoredJob> stored = store.find(principal.tenantId(), id);
        if (stored.isPresent()) {
            return JobView.stored(stored.get(), json, base);
        }
        return local.acceptedHere(principal.tenantId(), id)
                .map(pending -> JobView.accepted(pending, JobStatus.QUEUED, json, base))
                .orElseThrow(() -> Problems.jobNotFound(id));
    }

    /** {@code GET /v1/jobs}: the tenant's jobs, newest first, a page at a time. */
    public void list(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        JobPage page = store.list(principal.tenantId(), JobListParams.read(ctx));
        String base = baseUrl(ctx);
        ObjectNode body =
                json.list(page.jobs().stream().map(j -> json.stored(j, base)).toList());
        body.put("has_more", page.next().isPresent());
        if (page.next().isPresent()) {
            body.put("next_cursor", page.next().get().encode());
        } else {
            body.putNull("next_cursor");
        }
        ctx.contentType(JSON).result(json.write(body));
    }

    /**
     * {@code POST /v1/jobs/{id}/cancel}: asks for the job to be canceled wherever it is; answers 202
     * with the job once Kafka acknowledged the command, 409 when it already finished.
     */
    public void cancel(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        String id = ctx.pathParam("id");
        String base = baseUrl(ctx);
        ObjectNode current = store.find(principal.tenantId(), id)
                .map(job -> {
                    if (job.status().isTerminal()) {
                        throw Problems.jobFinished(id, job.status().wireName());
                    }
                    return json.stored(job, base);
                })
                .or(() -> local.acceptedHere(principal.tenantId(), id).map(j -> json.accepted(j, base)))
                .orElseThrow(() -> Problems.jobNotFound(id));
        ctx.future(() -> control.cancel(id, principal.tenantId(), "canceled by the client")
                .handle((ok, error) -> {
                    if (error != null) {
                        throw Problems.unavailable("the cancel could not be sent: Kafka did not acknowledge it", 1);
                    }
                    ctx.status(202).contentType(JSON).result(json.write(current));
                    return null;
                }));
    }

    String baseUrl(Context ctx) {
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
