package io.inferbroker.dispatcher.internal;

import java.math.BigDecimal;

/**
 * What a tenant with a budget has spent (settled actual costs) and has reserved (estimates of its
 * jobs not finished yet), in the budget's currency.
 */
public record BudgetLedger(BigDecimal spent, BigDecimal reserved) {
    static final BudgetLedger EMPTY = new BudgetLedger(BigDecimal.ZERO, BigDecimal.ZERO);

    BigDecimal committed() {
        return spent.add(reserved);
    }

    BudgetLedger reserve(BigDecimal amount) {
        return new BudgetLedger(spent, reserved.add(amount));
    }

    /** Replaces a reservation by the actual cost. */
    BudgetLedger settle(BigDecimal reservedAmount, BigDecimal actual) {
        BigDecimal left = reserved.subtract(reservedAmount);
        return new BudgetLedger(spent.add(actual), left.signum() < 0 ? BigDecimal.ZERO : left);
    }
}
