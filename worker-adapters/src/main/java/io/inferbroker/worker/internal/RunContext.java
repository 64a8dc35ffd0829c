package io.inferbroker.worker.internal;

import io.inferbroker.schemas.Price;
import java.time.Clock;

/** What every job run of one worker shares. */
public record RunContext(String workerId, PriceBook prices, Publisher publisher, Clock clock, WorkerMetrics metrics) {

    /** A context with a fixed starting price. */
    public RunContext(String workerId, Price price, Publisher publisher, Clock clock, WorkerMetrics metrics) {
        this(workerId, new PriceBook(price), publisher, clock, metrics);
    }
}
