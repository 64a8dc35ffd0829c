package io.inferbroker.dispatcher;

import io.inferbroker.schemas.ConsumerRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The dispatcher's meters. Tags are bounded: {@code model} by the models served, {@code priority} by
 * three classes ({@code high} below 5, {@code normal} 5, {@code low} above), {@code strategy} by the
 * strategies, {@code worker} by the fleet. Thread-safe: stream threads record, the registry's scraper
 * reads.
 *
 * <ul>
 *   <li>{@code broker.dispatcher.jobs.admitted}: jobs queued for dispatch
 *   <li>{@code broker.dispatcher.jobs.duplicates}: requests ignored because the job id was seen before
 *   <li>{@code broker.dispatcher.jobs.expired}, {@code broker.dispatcher.jobs.canceled}: queued jobs that ended without running
 *   <li>{@code broker.dispatcher.jobs.requeued}: jobs taken off a lost worker and queued again
 *   <li>{@code broker.dispatcher.jobs.failed}: jobs whose last allowed attempt was lost
 *   <li>{@code broker.dispatcher.cancels.forwarded}: cancels sent to the worker running the job
 *   <li>{@code broker.dispatcher.budget.rejections}: jobs refused because their tenant's budget cannot pay
 *   <li>{@code broker.dispatcher.batches.dispatched}: batches sent to workers
 *   <li>{@code broker.dispatcher.batch.size}: jobs per batch (histogram)
 *   <li>{@code broker.dispatcher.batch.wait}: how long the oldest job of a batch waited when it closed
 *   <li>{@code broker.dispatcher.queueing.delay}: queue time of each dispatched job, by model and priority
 *   <li>{@code broker.dispatcher.routing.decisions}: batches routed, by model, strategy and worker
 *   <li>{@code broker.dispatcher.queue.depth}: jobs queued now, per model served by this instance
 *   <li>{@code broker.dispatcher.queue.depth.priority}: the same by priority class
 *   <li>{@code broker.dead_letters}: records written to the dead-letter topic, by {@code role}
 *       ({@code dispatcher}) and source {@code topic}
 * </ul>
 */
public final class DispatcherMetrics {
    private static final String MODEL = "model";
    private static final String PRIORITY = "priority";
    private static final List<String> CLASSES = List.of("high", "normal", "low");
    private static final double[] BATCH_SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> depths = new ConcurrentHashMap<>();

    public DispatcherMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters that record nothing, for tests and tools that do not export metrics. */
    public static DispatcherMetrics noop() {
        return new DispatcherMetrics(new CompositeMeterRegistry());
    }

    /** The priority class of a priority number: {@code high}, {@code normal} or {@code low}. */
    public static String priorityClass(int priority) {
        return priority < 5 ? "high" : priority == 5 ? "normal" : "low";
    }

    /** A record of {@code topic} could not be taken and went to the dead letters (or, from the global store, was skipped). */
    public void deadLetter(String topic) {
        Counter.builder("broker.dead_letters")
                .description("Records a consumer could not take, written to the dead-letter topic")
                .tag("role", ConsumerRole.DISPATCHER.wireName())
                .tag("topic", topic)
                .register(registry)
                .increment();
    }

    public void jobAdmitted(String model) {
        counter("broker.dispatcher.jobs.admitted", "Jobs queued for dispatch", model)
                .increment();
    }

    /**
     * A job reached the dispatcher's queue {@code sinceAccepted} after the ingress accepted it: the
     * requests topic and the dispatcher's own hops, before any queueing.
     */
    public void arrived(String model, Duration sinceAccepted) {
        Timer.builder("broker.dispatcher.arrival.delay")
                .description("Time from a job's acceptance by the ingress to its arrival in the dispatcher's queue")
                .publishPercentileHistogram()
                .tag(MODEL, model)
                .register(registry)
                .record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
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

    public void jobRequeued(String model) {
        counter("broker.dispatcher.jobs.requeued", "Jobs taken off a lost worker and queued again", model)
                .increment();
    }

    public void jobFailed(String model) {
        counter("broker.dispatcher.jobs.failed", "Jobs whose last allowed attempt was lost with its worker", model)
                .increment();
    }

    public void cancelForwarded(String model) {
        counter("broker.dispatcher.cancels.forwarded", "Cancels sent to the worker running the job", model)
                .increment();
    }

    public void budgetRejected(String model) {
        counter("broker.dispatcher.budget.rejections", "Jobs refused because the tenant's budget cannot pay", model)
                .increment();
    }

    /** A batch of {@code size} jobs left, its oldest job having waited {@code waited}. */
    public void batchDispatched(String model, int size, Duration waited) {
        counter("broker.dispatcher.batches.dispatched", "Batches sent to workers", model)
                .increment();
        DistributionSummary.builder("broker.dispatcher.batch.size")
                .description("Jobs per dispatched batch")
                .baseUnit("jobs")
                .serviceLevelObjectives(BATCH_SIZES)
                .tag(MODEL, model)
                .register(registry)
                .record(size);
        Timer.builder("broker.dispatcher.batch.wait")
                .description("How long the oldest job of a batch waited when the batch closed")
                .tag(MODEL, model)
                .register(registry)
                .record(waited);
    }

    /** A job left the queue after {@code delay}. */
    public void queueingDelay(String model, int priority, Duration delay) {
        Timer.builder("broker.dispatcher.queueing.delay")
                .description("Time from queueing to dispatch of each job")
                .publishPercentileHistogram()
                .tag(MODEL, model)
                .tag(PRIORITY, priorityClass(priority))
                .register(registry)
                .record(delay);
    }

    public void routed(String model, String strategy, String workerId) {
        Counter.builder("broker.dispatcher.routing.decisions")
                .description("Batches routed, by strategy and worker")
                .tag(MODEL, model)
                .tag("strategy", strategy)
                .tag("worker", workerId)
                .register(registry)
                .increment();
    }

    /** Sets the queue depth of {@code model} by priority number; empty when the model's queue moved away. */
    public void queueDepth(String model, Map<Integer, Integer> byPriority) {
        int[] byClass = new int[CLASSES.size()];
        byPriority.forEach((p, n) -> byClass[CLASSES.indexOf(priorityClass(p))] += n);
        int total = 0;
        for (int i = 0; i < byClass.length; i++) {
            gauge("broker.dispatcher.queue.depth.priority", model, CLASSES.get(i))
                    .set(byClass[i]);
            total += byClass[i];
        }
        gauge("broker.dispatcher.queue.depth", model, null).set(total);
    }

    private AtomicInteger gauge(String name, String model, @Nullable String priority) {
        return depths.computeIfAbsent(name + '\u0000' + model + '\u0000' + priority, k -> {
            AtomicInteger depth = new AtomicInteger();
            Gauge.Builder<AtomicInteger> b = Gauge.builder(name, depth, AtomicInteger::get)
                    .description("Jobs queued for dispatch")
                    .baseUnit("jobs")
                    .tag(MODEL, model);
            if (priority != null) {
                b.tag(PRIORITY, priority);
            }
            b.register(registry);
            return depth;
        });
    }

    private Counter counter(String name, String description, String model) {
        return Counter.builder(name).description(description).tag(MODEL, model).register(registry);
    }
}
