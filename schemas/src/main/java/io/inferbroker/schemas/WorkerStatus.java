package io.inferbroker.schemas;

import java.time.Instant;
import java.util.List;

/**
 * Value of the compacted workers topic (key: worker id): a worker's capacity, load, speed and
 * price, published every second and on every change.
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
        Instant at) {

    public static final int VERSION = 1;

    public WorkerStatus {
        models = List.copyOf(models);
    }

    /** Sequences the worker can take now. */
    public int headroom() {
        return Math.max(0, capacity - inFlight);
    }
}
