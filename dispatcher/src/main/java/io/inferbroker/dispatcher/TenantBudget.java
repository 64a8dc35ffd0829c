package io.inferbroker.dispatcher;

import java.math.BigDecimal;

/**
 * A tenant's spending limit: the cost of its jobs, reserved at admission from an estimate and
 * settled with the actual cost from results, never exceeds {@code limit}. Immutable.
 *
 * @param limit the most the tenant may spend, in {@code currency}; 0 refuses every job
 * @param currency ISO 4217 code; worker prices in another currency are not converted (see the README)
 * @param period when spending starts again from zero ({@link BudgetPeriod#TOTAL}: never)
 */
public record TenantBudget(BigDecimal limit, String currency, BudgetPeriod period) {

    /** A budget for all time. */
    public TenantBudget(BigDecimal limit, String currency) {
        this(limit, currency, BudgetPeriod.TOTAL);
    }

    public TenantBudget {
        if (limit.signum() < 0) {
            throw new IllegalArgumentException("a budget must be >= 0, was " + limit);
        }
        if (currency.isBlank()) {
            throw new IllegalArgumentException("a budget needs a currency");
        }
    }
}
