package io.inferbroker.schemas;

import java.math.BigDecimal;

/** An amount of money in an ISO 4217 currency. */
public record Cost(BigDecimal amount, String currency) {
    public static Cost zero(String currency) {
        return new Cost(BigDecimal.ZERO, currency);
    }
}
