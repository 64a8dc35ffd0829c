package io.inferbroker.worker.internal;

import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a job costs under a worker's price: prompt and completion tokens at the per-million rates,
 * plus the job's share of GPU time at the per-second rate. Rounded to {@value #SCALE} decimals.
 */
final class JobCost {
    static final int SCALE = 10;

    private JobCost() {}

    /**
     * @param usage tokens consumed, or null when unknown (no token charge)
     * @param gpuTime the GPU time charged to this job
     */
    public static Cost of(Price price, @Nullable Usage usage, Duration gpuTime) {
        BigDecimal amount = BigDecimal.ZERO;
        if (usage != null) {
            amount = amount.add(perMillion(price.inputPerMillion(), usage.promptTokens()))
                    .add(perMillion(price.outputPerMillion(), usage.completionTokens()));
        }
        BigDecimal seconds = BigDecimal.valueOf(Math.max(0, gpuTime.toNanos()), 9);
        amount = amount.add(price.perGpuSecond().multiply(seconds));
        BigDecimal rounded = amount.setScale(SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return new Cost(rounded.scale() < 0 ? rounded.setScale(0) : rounded, price.currency());
    }

    /**
     * A job's share of a batch's GPU time: its own run time split evenly between the sequences
     * that ran beside it, because they shared the GPU.
     */
    public static Duration gpuShare(Duration runTime, int batchSize) {
        return runTime.dividedBy(Math.max(1, batchSize));
    }

    private static BigDecimal perMillion(BigDecimal rate, int tokens) {
        return rate.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
    }
}
