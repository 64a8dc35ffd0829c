package io.inferbroker.schemas;

import java.math.BigDecimal;

/**
 * An amount of money in an ISO 4217 currency: not negative, at most {@link #MAX}, with at most
 * {@link #MAX_SCALE} decimal places. The bounds are far beyond any job's cost and keep every amount
 * writable as a plain decimal: an amount like {@code 1e999999999} reads as a number but cannot be
 * written out again (to a Streams topic, a budget, a report), which would strand its job.
 */
public record Cost(BigDecimal amount, String currency) {
    /** The largest amount a cost may state. */
    public static final BigDecimal MAX = new BigDecimal("1000000000000000");

    /** The most decimal places an amount may have. */
    public static final int MAX_SCALE = 20;

    public Cost {
        // A missing amount is the contract check's to report (RequiredFields), with the field named.
        if (amount != null) {
            if (amount.signum() < 0) {
                throw new IllegalArgumentException("amount must not be negative, was " + amount);
            }
            if (amount.compareTo(MAX) > 0 || amount.scale() > MAX_SCALE) {
                throw new IllegalArgumentException("amount must be at most " + MAX.toPlainString() + " with at most "
                        + MAX_SCALE + " decimal places, was " + amount);
            }
        }
    }

    public static Cost zero(String currency) {
        return new Cost(BigDecimal.ZERO, currency);
    }
}
