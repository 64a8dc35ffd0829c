package io.inferbroker.store;

import java.time.Duration;

/**
 * How long finished jobs, their audited results and their webhook messages are kept. Validated on
 * construction; messages name the config key ({@code store.*}).
 *
 * @param keep finished jobs older than this (by completion) are deleted; zero keeps everything
 *     ({@code store.retention_days})
 * @param batchSize rows deleted per statement, so deletion never holds long locks ({@code store.retention_batch_rows})
 * @param interval pause between deletion rounds ({@code store.retention_interval_ms})
 */
public record RetentionConfig(Duration keep, int batchSize, Duration interval) {
    public RetentionConfig {
        if (keep.isNegative()) {
            throw new IllegalArgumentException("store.retention_days must be >= 0, was " + keep.toDays());
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException(
                    "store.retention_batch_rows must be between 1 and 100000, was " + batchSize);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("store.retention_interval_ms must be >= 1, was " + interval.toMillis());
        }
    }

    /** Thirty days, 1000 rows a statement, every ten minutes. */
    public static RetentionConfig defaults() {
        return new RetentionConfig(Duration.ofDays(30), 1000, Duration.ofMinutes(10));
    }

    /** True when nothing is ever deleted. */
    public boolean keepsEverything() {
        return keep.isZero();
    }
}
