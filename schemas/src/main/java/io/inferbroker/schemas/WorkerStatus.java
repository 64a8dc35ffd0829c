package io.inferbroker.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Value of the compacted workers topic (key: worker id): a worker's capacity, load, speed and
 * price, published every second and on every change.
 *
 * @param backpressureUntil the model server answered 429 or 503 and asked for no new work until then
 *     (its {@code Retry-After}); absent (null) when it did not, and from workers that do not report it
 * @param modelPrices prices of the models this worker charges differently from {@code price}, by
 *     model; absent (null) when every model costs {@code price}
 * @param instance names this run of the worker process, new at every start; batches are addressed to
 *     it ({@link DispatchBatch#workerInstance()}). Absent (null) from workers that do not report it
 */
public record WorkerStatus(
        int schemaVersion,
        String workerId,
        String adapter,
        List<String> models,
        WorkerState state,
        int capacity,
        int inFlight,
        boolean healthy,
        double ttftMs,
        double tokensPerSecond,
        Price price,
        String version,
        Instant at,
        @Nullable Instant backpressureUntil,
        @Nullable Map<String, Price> modelPrices,
        @Nullable String instance) {

    public static final int VERSION = 1;

    public WorkerStatus {
        models = List.copyOf(models);
        modelPrices = modelPrices == null || modelPrices.isEmpty() ? null : Map.copyOf(modelPrices);
    }

    /** This status, reported by the run of the worker named {@code instance}. */
    public WorkerStatus withInstance(@Nullable String instance) {
        return new WorkerStatus(
                schemaVersion,
                workerId,
                adapter,
                models,
                state,
                capacity,
                inFlight,
                healthy,
                ttftMs,
                tokensPerSecond,
                price,
                version,
                at,
                backpressureUntil,
                modelPrices,
                instance);
    }

    /** A status without an instance. */
    public WorkerStatus(
            int schemaVersion,
            String workerId,
            String adapter,
            List<String> models,
            WorkerState state,
            int capacity,
            int inFlight,
            boolean healthy,
            double ttftMs,
            double tokensPerSecond,
            Price price,
            String version,
            Instant at,
            @Nullable Instant backpressureUntil,
            @Nullable Map<String, Price> modelPrices) {
        this(
                schemaVersion,
                workerId,
                adapter,
                models,
                state,
                capacity,
                inFlight,
                healthy,
                ttftMs,
                tokensPerSecond,
                price,
                version,
                at,
                backpressureUntil,
                modelPrices,
                null);
    }

    /** A status without backpressure. */
    public WorkerStatus(
            int schemaVersion,
            String workerId,
            String adapter,
            List<String> models,
            WorkerState state,
            int capacity,
            int inFlight,
            boolean healthy,
            double ttftMs,
            double tokensPerSecond,
            Price price,
            String version,
            Instant at) {
        this(
                schemaVersion,
                workerId,
                adapter,
                models,
                state,
                capacity,
                inFlight,
                healthy,
                ttftMs,
                tokensPerSecond,
                price,
                version,
                at,
                null,
                null,
                null);
    }

    /** What the worker charges for {@code model}: its own price when it has one, else {@link #price()}. */
    public Price priceOf(String model) {
        return modelPrices == null ? price : modelPrices.getOrDefault(model, price);
    }

    /** True when the model server asked the worker, at {@code now}, to send no more work for a while. */
    public boolean backpressured(Instant now) {
        return backpressureUntil != null && now.isBefore(backpressureUntil);
    }

    /** Sequences the worker can take now. */
    public int headroom() {
        return Math.max(0, capacity - inFlight);
    }
}
