package io.inferbroker.worker.internal;

import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.WorkerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the worker's {@link WorkerStatus}: every status interval, and soon after every change
 * of the in-flight count or of the model server's health or backpressure, coalesced so that changes publish at most once per {@value #MIN_GAP_MS}
 * ms. Speed is measured from the worker's own jobs as moving averages: time to first token from a
 * job's start, and tokens per second of one sequence after its first token (what a streaming client
 * sees). Thread-safe; owns and stops the timer it is given.
 */
public final class StatusReporter implements JobListener, AutoCloseable {
    static final long MIN_GAP_MS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final double ALPHA = 0.2;

    private final WorkerConfig config;
    private final String adapterKind;
    private final Publisher publisher;
    private final Clock clock;
    private final IntSupplier inFlight;
    private final ScheduledExecutorService timer;
    private final PriceBook prices;
    private final String instance;
    private volatile @Nullable ModelAdapter adapter;
    private final Ewma ttftMs = new Ewma(ALPHA);
    private final Ewma tokensPerSecond = new Ewma(ALPHA);
    private final AtomicBoolean changePending = new AtomicBoolean();
    private volatile WorkerState state = WorkerState.ACTIVE;
    private volatile boolean healthy = true;
    private volatile long lastPublishNanos;

    public StatusReporter(
            WorkerConfig config,
            String adapterKind,
            Publisher publisher,
            Clock clock,
            IntSupplier inFlight,
            ScheduledExecutorService timer) {
        this(
                config,
                adapterKind,
                publisher,
                clock,
                inFlight,
                timer,
                new PriceBook(config.price(), config.modelPrices()));
    }

    /** A reporter that reports the price of {@code prices}, which may change, under a new instance id. */
    public StatusReporter(
            WorkerConfig config,
            String adapterKind,
            Publisher publisher,
            Clock clock,
            IntSupplier inFlight,
            ScheduledExecutorService timer,
            PriceBook prices) {
        this(
                config,
                adapterKind,
                publisher,
                clock,
                inFlight,
                timer,
                prices,
                UUID.randomUUID().toString());
    }

    /**
     * @param instance names this run of the worker ({@link WorkerStatus#instance()}); the dispatch loop
     *     takes only batches addressed to it or to no run
     */
    public StatusReporter(
            WorkerConfig config,
            String adapterKind,
            Publisher publisher,
            Clock clock,
            IntSupplier inFlight,
            ScheduledExecutorService timer,
            PriceBook prices,
            String instance) {
        this.instance = instance;
        this.prices = prices;
        this.config = config;
        this.adapterKind = adapterKind;
        this.publisher = publisher;
        this.clock = clock;
        this.inFlight = inFlight;
        this.timer = timer;
    }

    /** Starts the periodic publication, the first one right away. */
    public void start() {
        long interval = config.statusInterval().toNanos();
        timer.scheduleAtFixedRate(this::publishQuietly, 0, interval, TimeUnit.NANOSECONDS);
    }

    @Override
    public void inFlightChanged() {
        if (!changePending.compareAndSet(false, true)) {
            return;
        }
        long wait = Math.max(0, lastPublishNanos + TimeUnit.MILLISECONDS.toNanos(MIN_GAP_MS) - System.nanoTime());
        try {
            timer.schedule(
                    () -> {
                        changePending.set(false);
                        publishQuietly();
                    },
                    wait,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            changePending.set(false);
        }
    }

    @Override
    public void finished(JobResult result) {
        Timings t = result.timings();
        if (t.startedAt() == null || t.firstTokenAt() == null) {
            return;
        }
        ttftMs.add(Duration.between(t.startedAt(), t.firstTokenAt()).toNanos() / 1e6);
        int tokens = result.usage() == null ? 0 : result.usage().completionTokens();
        double seconds = Duration.between(t.firstTokenAt(), t.completedAt()).toNanos() / 1e9;
        if (tokens > 1 && seconds > 0) {
            tokensPerSecond.add((tokens - 1) / seconds);
        }
    }

    /**
     * Reports the model server's health and backpressure from {@code served} too, publishing soon
     * after each change it reports.
     */
    public void watch(ModelAdapter served) {
        adapter = served;
        served.onStatusChange(this::inFlightChanged);
    }

    /** Reports the worker unhealthy from now on. */
    public void unhealthy() {
        healthy = false;
        inFlightChanged();
    }

    /** Moves to {@code newState} and publishes it at once. */
    public CompletableFuture<Void> publish(WorkerState newState) {
        state = newState;
        return publishNow();
    }

    /** The status as it would be published now. */
    public WorkerStatus snapshot() {
        ModelAdapter served = adapter;
        Instant now = clock.instant();
        return new WorkerStatus(
                WorkerStatus.VERSION,
                config.workerId(),
                adapterKind,
                config.models(),
                state,
                config.capacity(),
                inFlight.getAsInt(),
                healthy && (served == null || served.healthy()),
                ttftMs.value(),
                tokensPerSecond.value(),
                prices.current(),
                config.version(),
                now,
                served == null ? null : served.backpressureUntil().orElse(null),
                prices.modelPrices(),
                instance);
    }

    private synchronized CompletableFuture<Void> publishNow() {
        lastPublishNanos = System.nanoTime();
        return publisher.status(snapshot());
    }

    private void publishQuietly() {
        try {
            publishNow().whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.warn("cannot publish the status of worker {}: {}", config.workerId(), error.getMessage());
                }
            });
        } catch (RuntimeException e) {
            // A failed status must not stop the periodic task; the next one tries again.
            LOG.warn("cannot publish the status of worker {}", config.workerId(), e);
        }
    }

    /** Stops publishing; the last status stays what it was. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
