package io.inferbroker.worker.internal;

import io.inferbroker.schemas.Price;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker's price now. A job reads it once, when it starts, so a change applies to new work
 * only. Thread-safe.
 */
public final class PriceBook {
    private final AtomicReference<Price> current;

    public PriceBook(Price initial) {
        this.current = new AtomicReference<>(initial);
    }

    public Price current() {
        return current.get();
    }

    /** Sets the price of work started from now on. */
    public void set(Price price) {
        current.set(price);
    }
}
