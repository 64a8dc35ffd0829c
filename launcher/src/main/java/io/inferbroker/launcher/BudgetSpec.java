package io.inferbroker.launcher;

import io.inferbroker.dispatcher.BudgetPeriod;
import java.math.BigDecimal;

/**
 * A tenant's spending limit, from the {@code budgets} list of the config file: the dispatcher
 * reserves each job's estimated cost at admission and rejects the job ({@code budget_exceeded}) when
 * the tenant's spent plus reserved cost would pass {@code limit}.
 *
 * @param tenant the tenant id (as {@code POST /admin/tenants} answered it)
 * @param limit the most the tenant may spend, in {@code currency}
 * @param period when spending starts again from zero: {@code total} (never), {@code day} or {@code month} (UTC)
 */
public record BudgetSpec(String tenant, BigDecimal limit, String currency, String period) {

    /** The period as the dispatcher knows it (validated by {@link #validated}). */
    BudgetPeriod budgetPeriod() {
        return BudgetPeriod.fromName(period);
    }

    static BudgetSpec validated(BudgetSpec b, int index) {
        String at = "budgets[" + index + "]";
        if (b.tenant() == null || b.tenant().isBlank()) {
            throw new ConfigException(at + ".tenant is required");
        }
        if (b.limit() == null || b.limit().signum() < 0) {
            throw new ConfigException(at + ".limit must be >= 0, was " + b.limit());
        }
        if (b.currency() == null || !b.currency().matches("[A-Z]{3}")) {
            throw new ConfigException(at + ".currency must be an ISO 4217 code such as USD, was " + b.currency());
        }
        try {
            BudgetPeriod.fromName(b.period() == null ? "" : b.period());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ".period: " + e.getMessage(), e);
        }
        return b;
    }
}
