package io.inferbroker.dispatcher.internal;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * What a tenant with a budget has spent (settled actual costs) and has reserved (estimates of its
 * jobs not finished yet), in the budget's currency, within one budget period.
 *
 * @param period the key of the period {@code spent} belongs to ({@link io.inferbroker.dispatcher.BudgetPeriod#keyOf});
 *     null in ledgers written before budgets had periods: read as the current period
 */
public record BudgetLedger(
        BigDecimal spent, BigDecimal reserved, @Nullable String period) {
    static final BudgetLedger EMPTY = new BudgetLedger(BigDecimal.ZERO, BigDecimal.ZERO, null);

    /** This ledger in the period {@code key}: spending starts again from zero in a new one; reservations carry over. */
    BudgetLedger in(String key) {
        if (period == null) {
            return new BudgetLedger(spent, reserved, key);
        }
        return period.equals(key) ? this : new BudgetLedger(BigDecimal.ZERO, reserved, key);
    }

    BigDecimal committed() {
        return spent.add(reserved);
    }

    BudgetLedger reserve(BigDecimal amount) {
        return new BudgetLedger(spent, reserved.add(amount), period);
    }

    /** Replaces a reservation by the actual cost. */
    BudgetLedger settle(BigDecimal reservedAmount, BigDecimal actual) {
        BigDecimal left = reserved.subtract(reservedAmount);
        return new BudgetLedger(spent.add(actual), left.signum() < 0 ? BigDecimal.ZERO : left, period);
    }
}
