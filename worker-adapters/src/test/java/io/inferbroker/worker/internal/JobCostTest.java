package io.inferbroker.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobCostTest {
    private static final Price PRICE =
            new Price(new BigDecimal("0.10"), new BigDecimal("0.40"), new BigDecimal("0.002"), "USD");

    @Test
    void shouldChargeTokensPerMillionAndGpuSeconds() {
        Cost cost = JobCost.of(PRICE, new Usage(1_000, 500), Duration.ofMillis(1_500));

        // 1000 x 0.10/1e6 + 500 x 0.40/1e6 + 1.5 s x 0.002
        assertThat(cost.amount()).isEqualByComparingTo("0.0033");
        assertThat(cost.currency()).isEqualTo("USD");
    }

    @Test
    void shouldChargeOnlyGpuTimeWhenUsageIsUnknown() {
        assertThat(JobCost.of(PRICE, null, Duration.ofSeconds(2)).amount()).isEqualByComparingTo("0.004");
        assertThat(JobCost.of(Price.free("EUR"), new Usage(10, 10), Duration.ofSeconds(2)))
                .isEqualTo(new Cost(BigDecimal.ZERO, "EUR"));
    }

    @Test
    void shouldSplitGpuTimeBetweenTheSequencesOfABatch() {
        assertThat(JobCost.gpuShare(Duration.ofSeconds(4), 8)).isEqualTo(Duration.ofMillis(500));
        assertThat(JobCost.gpuShare(Duration.ofSeconds(4), 0)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void shouldWriteWholeAmountsWithoutAnExponent() {
        Price perToken = new Price(new BigDecimal("1000000"), BigDecimal.ZERO, BigDecimal.ZERO, "USD");

        assertThat(JobCost.of(perToken, new Usage(10, 0), Duration.ZERO)
                        .amount()
                        .toString())
                .isEqualTo("10");
    }
}
