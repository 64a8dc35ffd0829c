package io.inferbroker.schemas;

import java.math.BigDecimal;

/**
 * What a worker charges: per million input and output tokens, plus per GPU-second. Any part may be
 * zero.
 */
public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal perGpuSecond, String currency) {

    public static Price free(String currency) {
        return new Price(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, currency);
    }
}
