package io.inferbroker.dispatcher.internal;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What admission decided about one job of a tenant with a budget: kept after settling, until the
 * dedupe retention ends, so a replayed request is neither reserved nor judged twice.
 *
 * @param tenantId the job's tenant
 * @param amount the estimate reserved (zero when rejected)
 * @param state whether the amount is still reserved, settled, or the job was rejected
 * @param at when the state was last set (the purge counts the retention from here)
 */
record Reservation(String tenantId, BigDecimal amount, State state, Instant at) {

    /** Where a job's reservation stands. */
    public enum State {
        RESERVED,
        SETTLED,
        REJECTED
    }
}
