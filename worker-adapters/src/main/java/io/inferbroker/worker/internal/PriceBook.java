package io.inferbroker.worker.internal;

import io.inferbroker.schemas.Price;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker's prices now: one for every model, and others for models it charges differently. A
 * job reads its model's price once, when it starts, so a change applies to new work only.
 * Thread-safe.
 */
public final class PriceBook {
    private final AtomicReference<Price> current;
    private final Map<String, Price> byModel = new ConcurrentHashMap<>();

    public PriceBook(Price initial) {
        this(initial, Map.of());
    }

    public PriceBook(Price initial, Map<String, Price> modelPrices) {
        this.current = new AtomicReference<>(initial);
        this.byModel.putAll(modelPrices);
    }

    /** The price of models without one of their own. */
    public Price current() {
        return current.get();
    }

    /** What a job of {@code model} costs if it starts now. */
    public Price forModel(String model) {
        return byModel.getOrDefault(model, current.get());
    }

    /** The models with a price of their own, and those prices. */
    public Map<String, Price> modelPrices() {
        return Map.copyOf(byModel);
    }

    /** Sets the price of work started from now on, for models without one of their own. */
    public void set(Price price) {
        current.set(price);
    }

    /** Sets the price of {@code model} for work started from now on. */
    public void set(String model, Price price) {
        byModel.put(model, price);
    }
}
