package io.inferbroker.ingress.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/** Meters of the ingress. Tags are bounded: model names come from configuration, never from ids. */
public final class IngressMetrics {
    private final MeterRegistry registry;
    private final Timer ackLatency;
    private final Counter authFailures;

    public IngressMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.ackLatency = Timer.builder("broker.ingress.submit.ack")
                .description("Time from a valid submit to Kafka's acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
        this.authFailures = Counter.builder("broker.ingress.auth.failures")
                .description("Requests refused for a missing or invalid API key")
                .register(registry);
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

    /** Registers a gauge over {@code owner}; the registry holds it weakly, as Micrometer does. */
    public <T> void gauge(String name, String description, T owner, java.util.function.ToDoubleFunction<T> value) {
        io.micrometer.core.instrument.Gauge.builder(name, owner, value)
                .description(description)
                .register(registry);
    }
}
