package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.ConsumerRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** Meters of the ingress. Tags are bounded: model names come from configuration, never from ids. */
public final class IngressMetrics {
    private final MeterRegistry registry;
    private final Timer ackLatency;
    private final Counter authFailures;
    private final Counter tokensFannedOut;
    private final Counter eventsFannedOut;
    private final Counter resultsFannedOut;
    private final Counter streamOverflows;
    private final Timer tokenFeedDelay;
    private final Timer tokenStreamDelay;
    private final Timer firstTokenStreamDelay;

    public IngressMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.ackLatency = Timer.builder("broker.ingress.submit.ack")
                .description("Time from a valid submit to Kafka's acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
        this.authFailures = Counter.builder("broker.ingress.auth.failures")
                .description("Requests refused for a missing or invalid API key")
                .register(registry);
        this.tokensFannedOut = fanOutCounter("tokens");
        this.eventsFannedOut = fanOutCounter("events");
        this.resultsFannedOut = fanOutCounter("results");
        this.streamOverflows = Counter.builder("broker.ingress.stream.overflows")
                .description("Job streams cut because their client read too slowly (http.stream_buffer_events)")
                .register(registry);
        this.tokenFeedDelay = Timer.builder("broker.ingress.feed.token.delay")
                .description("Time from a token's production by its worker to its arrival in this instance's job feed")
                .publishPercentileHistogram()
                .register(registry);
        this.firstTokenStreamDelay = Timer.builder("broker.ingress.stream.first_token.delay")
                .description(
                        "Time from a job's first token at its worker to its write on a job stream of this instance:"
                                + " the broker's share of the time to first token")
                .publishPercentileHistogram()
                .register(registry);
        this.tokenStreamDelay = Timer.builder("broker.ingress.stream.token.delay")
                .description(
                        "Time from a token's production by its worker to its write on a job stream of this instance")
                .publishPercentileHistogram()
                .register(registry);
    }

    private Counter fanOutCounter(String topic) {
        return Counter.builder("broker.ingress.feed.records")
                .description("Records the job feed handed to the local subscribers of their job, by topic")
                .tag("topic", topic)
                .register(registry);
    }

    /** Counts a record of {@code topic} the job feed could not take and wrote to the dead letters. */
    public void deadLetter(String topic) {
        try {
            registry.counter("broker.dead_letters", "role", ConsumerRole.INGRESS.wireName(), "topic", topic)
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never stop the feed.
        }
    }

    /** Counts a submission by configured model and outcome (accepted, invalid, unavailable). */
    public void submitted(String model, String outcome) {
        try {
            registry.counter("broker.jobs.submitted", "model", model, "outcome", outcome)
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a request.
        }
    }

    public void acked(Duration elapsed) {
        ackLatency.record(elapsed);
    }

    public void authFailed() {
        authFailures.increment();
    }

    /**
     * Counts an admission decision ({@code broker.ingress.admissions}) by outcome (admitted,
     * rejected) and reason (none, requests, tokens, queue_full).
     */
    public void admission(AdmissionVerdict verdict) {
        try {
            String reason =
                    verdict instanceof AdmissionVerdict.Reject r ? r.reason().tag() : "none";
            String outcome = verdict instanceof AdmissionVerdict.Reject ? "rejected" : "admitted";
            registry.counter("broker.ingress.admissions", "outcome", outcome, "reason", reason)
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a request.
        }
    }

    /** Registers the gauge of open job-feed subscriptions, computed from {@code source} at scrape time. */
    public <T> void feedSubscribers(T source, ToDoubleFunction<T> count) {
        Gauge.builder("broker.ingress.feed.subscribers", source, count)
                .description("Requests of this instance waiting for a job's tokens or result")
                .strongReference(true)
                .register(registry);
    }

    /** Registers the count of tokens-topic records read back for job streams, taken from {@code source}. */
    public <T> void tokenHistoryRecords(T source, ToDoubleFunction<T> count) {
        FunctionCounter.builder("broker.ingress.stream.history.records", source, count)
                .description("Records of the tokens topic read back for streams that resumed or opened late")
                .register(registry);
    }

    /** Counts one record handed to the local subscribers of its job. */
    public void fannedOut(FeedRecord record) {
        switch (record) {
            case FeedRecord.Token t -> tokensFannedOut.increment();
            case FeedRecord.Status s -> eventsFannedOut.increment();
            case FeedRecord.Result r -> resultsFannedOut.increment();
        }
    }

    /** A token of a subscribed job reached the feed; {@code producedAt} is the worker's stamp. */
    public void tokenFed(Instant producedAt) {
        sinceProduced(tokenFeedDelay, producedAt);
    }

    /** A live token (not a backlog one) was written to a job stream; {@code first} when it was the job's first. */
    public void tokenStreamed(Instant producedAt, boolean first) {
        sinceProduced(tokenStreamDelay, producedAt);
        if (first) {
            sinceProduced(firstTokenStreamDelay, producedAt);
        }
    }

    @SuppressWarnings("ConstantValue") // The wire may omit the stamp the record declares non-null.
    private static void sinceProduced(Timer timer, Instant producedAt) {
        if (producedAt == null) {
            return;
        }
        long nanos = Duration.between(producedAt, Instant.now()).toNanos();
        timer.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Counts a job stream cut because its buffer filled up. */
    public void streamOverflowed() {
        streamOverflows.increment();
    }

    /**
     * A job stream caught up on what the job produced before it subscribed, from {@code source}:
     * {@code memory} (this instance's recent tokens) or {@code kafka} (read back from the tokens topic).
     */
    public void streamBacklog(String source) {
        try {
            registry.counter("broker.ingress.stream.backlog", "source", source).increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a request.
        }
    }

    /**
     * Counts a job stream whose job's result came before the job's last tokens could be read back;
     * the stream waits for them before {@code done}.
     */
    public void streamTokensLate() {
        try {
            registry.counter("broker.ingress.stream.late_tokens").increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a request.
        }
    }

    /**
     * Counts a request answered by waiting for its job, by endpoint ({@code chat}, {@code completion},
     * {@code embedding}, {@code jobs}) and outcome ({@code finished}, {@code timeout}, {@code disconnected},
     * {@code failed}).
     */
    public void waited(String endpoint, String outcome) {
        try {
            registry.counter("broker.ingress.sync.requests", "endpoint", endpoint, "outcome", outcome)
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a request.
        }
    }

    /**
     * Exports a configured model's queue depth as the dispatcher last reported it ({@code
     * broker.ingress.queue.depth}); NaN while unknown or stale.
     */
    public void queueDepth(String model, Supplier<Number> depth) {
        Gauge.builder("broker.ingress.queue.depth", depth)
                .description("Jobs queued for dispatch, as the dispatcher last reported; NaN when unknown or stale")
                .baseUnit("jobs")
                .tag("model", model)
                .register(registry);
    }
}
