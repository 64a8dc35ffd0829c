package io.inferbroker.replay;

/**
 * Percentiles of a duration in milliseconds, over {@code count} samples; all zero when there were none.
 */
public record Percentiles(long count, double p50, double p95, double p99, double max) {
    public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0);
}
