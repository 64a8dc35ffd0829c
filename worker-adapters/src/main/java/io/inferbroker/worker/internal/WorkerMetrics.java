package io.inferbroker.worker.internal;

import io.inferbroker.schemas.ConsumerRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Meters of the worker runtime. Tags are bounded: model names from configuration and a handful of
 * outcomes, never job or worker ids. Jobs in flight are a long task timer per model, so that several
 * workers of one process sharing a registry add up instead of hiding each other. A metric failure
 * never fails a job.
 */
public final class WorkerMetrics {
    static final String JOBS = "broker.worker.jobs";
    static final String TOKENS = "broker.worker.tokens";
    static final String IN_FLIGHT = "broker.worker.inflight";
    static final String TTFT = "broker.worker.ttft";
    static final String UPSTREAM_RETRIES = "broker.worker.upstream.retries";
    static final String UPSTREAM_BACKPRESSURE = "broker.worker.upstream.backpressure";
    static final String DEAD_LETTERS = "broker.dead_letters";

    private final MeterRegistry registry;
    private final Map<String, Counter> tokenCounters = new ConcurrentHashMap<>();

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts a record of {@code topic} the worker could not take and wrote to the dead letters. */
    public void deadLetter(String topic) {
        try {
            Counter.builder(DEAD_LETTERS)
                    .description("Records a consumer could not take, written to the dead-letter topic")
                    .tag("role", ConsumerRole.WORKER.wireName())
                    .tag("topic", topic)
                    .register(registry)
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never stop the loop.
        }
    }

    /** Counts a finished job by model and outcome ({@code succeeded}, {@code failed}, {@code expired}). */
    public void jobFinished(String model, String outcome) {
        try {
            Counter.builder(JOBS)
                    .description("Jobs a worker finished, by outcome")
                    .tag("model", model)
                    .tag("outcome", outcome)
                    .register(registry)
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a job.
        }
    }

    public void token(String model) {
        try {
            tokenCounters
                    .computeIfAbsent(
                            model,
                            m -> Counter.builder(TOKENS)
                                    .description("Tokens streamed by workers")
                                    .tag("model", m)
                                    .register(registry))
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a job.
        }
    }

    /** Marks a job running; stop the returned sample when it finishes. Null when metrics failed. */
    public LongTaskTimer.@Nullable Sample started(String model) {
        try {
            return LongTaskTimer.builder(IN_FLIGHT)
                    .description("Jobs running on workers")
                    .tag("model", model)
                    .register(registry)
                    .start();
        } catch (RuntimeException ignored) {
            return null;
        }
    }

    public void firstToken(String model, Duration sinceStart) {
        try {
            Timer.builder(TTFT)
                    .description("Time from a job's start on a worker to its first token")
                    .tag("model", model)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(sinceStart);
        } catch (RuntimeException ignored) {
            // A metric must never fail a job.
        }
    }

    /**
     * Counts a retried model-server call by adapter kind and reason: the HTTP status ({@code 429},
     * {@code 5xx}) or {@code unreachable}.
     */
    public void upstreamRetry(String adapter, String reason) {
        try {
            Counter.builder(UPSTREAM_RETRIES)
                    .description("Model-server calls tried again before their first token")
                    .tag("adapter", adapter)
                    .tag("reason", reason)
                    .register(registry)
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a job.
        }
    }

    /** Counts a 429 or 503 answer of a model server, which the worker reports as backpressure. */
    public void upstreamBackpressure(String adapter) {
        try {
            Counter.builder(UPSTREAM_BACKPRESSURE)
                    .description("429 and 503 answers of model servers")
                    .tag("adapter", adapter)
                    .register(registry)
                    .increment();
        } catch (RuntimeException ignored) {
            // A metric must never fail a job.
        }
    }
}
