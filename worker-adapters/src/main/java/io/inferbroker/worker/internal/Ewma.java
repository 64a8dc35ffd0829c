package io.inferbroker.worker.internal;

/**
 * An exponentially weighted moving average; 0 until the first sample. Thread-safe.
 */
final class Ewma {
    private final double alpha;
    private double value;
    private boolean seeded;

    /** @param alpha weight of each new sample, in (0, 1] */
    public Ewma(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
        }
        this.alpha = alpha;
    }

    /** Adds a sample; NaN and infinite samples are ignored. */
    public synchronized void add(double sample) {
        if (!Double.isFinite(sample)) {
            return;
        }
        value = seeded ? value + alpha * (sample - value) : sample;
        seeded = true;
    }

    public synchronized double value() {
        return value;
    }
}
