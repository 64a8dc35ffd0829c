package io.inferbroker.dispatcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dispatcher's meters. The only tag is {@code model}, whose values are bounded by the models the
 * deployment serves. Thread-safe: stream threads record, the registry's scraper reads.
 *
 * <ul>
 *   <li>{@code broker.dispatcher.jobs.admitted}: jobs queued for dispatch
 *   <li>{@code broker.dispatcher.jobs.duplicates}: requests ignored because the job id was seen before
 *   <li>{@code broker.dispatcher.jobs.expired}, {@code broker.dispatcher.jobs.canceled}: queued jobs that ended without running
 *   <li>{@code broker.dispatcher.batches.dispatched}: batches sent to workers
 *   <li>{@code broker.dispatcher.batch.size}: jobs per batch
 *   <li>{@code broker.dispatcher.queue.depth}: jobs queued now, per model served by this instance
 * </ul>
 */
public final class DispatcherMetrics {
    private static final String MODEL = "model";

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> depths = new ConcurrentHashMap<>();

    public DispatcherMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters that record nothing, for tests and tools that do not export metrics. */
    public static DispatcherMetrics noop() {
        return new DispatcherMetrics(new CompositeMeterRegistry());
    }

    public void jobAdmitted(String model) {
        counter("broker.dispatcher.jobs.admitted", "Jobs queued for dispatch", model)
                .increment();
    }

    public void duplicateIgnored(String model) {
        counter("broker.dispatcher.jobs.duplicates", "Requests ignored because their job id was seen before", model)
                .increment();
    }

    public void jobExpired(String model) {
        counter("broker.dispatcher.jobs.expired", "Queued jobs whose deadline passed before dispatch", model)
                .increment();
    }

    public void jobCanceled(String model) {
        counter("broker.dispatcher.jobs.canceled", "Queued jobs canceled before dispatch", model)
                .increment();
    }

    public void batchDispatched(String model, int size) {
        counter("broker.dispatcher.batches.dispatched", "Batches sent to workers", model)
                .increment();
        DistributionSummary.builder("broker.dispatcher.batch.size")
                .description("Jobs per dispatched batch")
                .baseUnit("jobs")
                .tag(MODEL, model)
                .register(registry)
                .record(size);
    }

    /** Sets the queue depth of {@code model}; 0 when the model's queue moved to another instance. */
    public void queueDepth(String model, int depth) {
        depths.computeIfAbsent(model, this::registerDepth).set(depth);
    }

    private AtomicInteger registerDepth(String model) {
        AtomicInteger depth = new AtomicInteger();
        Gauge.builder("broker.dispatcher.queue.depth", depth, AtomicInteger::get)
                .description("Jobs queued for dispatch")
                .baseUnit("jobs")
                .tag(MODEL, model)
                .register(registry);
        return depth;
    }

    private Counter counter(String name, String description, String model) {
        return Counter.builder(name).description(description).tag(MODEL, model).register(registry);
    }
}
