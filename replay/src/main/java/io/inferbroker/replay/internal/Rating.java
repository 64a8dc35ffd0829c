package io.inferbroker.replay.internal;

import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a job costs under a price, computed exactly as a worker charges it: prompt and completion
 * tokens at the per-million rates, plus the job's share of its batch's GPU time at the per-second
 * rate, rounded half-even to {@value #SCALE} decimals.
 */
final class Rating {
    static final int SCALE = 10;

    private Rating() {}

    public static BigDecimal cost(Price price, @Nullable Usage usage, Duration gpuTime) {
        BigDecimal amount = BigDecimal.ZERO;
        if (usage != null) {
            amount = amount.add(perMillion(price.inputPerMillion(), usage.promptTokens()))
                    .add(perMillion(price.outputPerMillion(), usage.completionTokens()));
        }
        amount = amount.add(price.perGpuSecond().multiply(seconds(gpuTime)));
        BigDecimal rounded = amount.setScale(SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return rounded.scale() < 0 ? rounded.setScale(0) : rounded;
    }

    /** A job's share of the GPU: its run time split evenly between the sequences of its batch. */
    public static Duration gpuShare(Duration runTime, int batchSize) {
        return runTime.isNegative() ? Duration.ZERO : runTime.dividedBy(Math.max(1, batchSize));
    }

    public static BigDecimal seconds(Duration d) {
        return BigDecimal.valueOf(Math.max(0, d.toNanos()), 9);
    }

    private static BigDecimal perMillion(BigDecimal rate, int tokens) {
        return rate.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
    }
}
