package io.inferbroker.store.api;

import java.util.Collection;
import java.util.Map;

/**
 * What the store recorded as each job's outcome, across tenants, for reconciliation against the
 * topics. Thread-safe; blocks on the database.
 */
public interface ResultLedger {
    /** The most ids one {@link #find} call takes. */
    int MAX_IDS = 1000;

    /**
     * The entries of these jobs; jobs the store does not hold are absent from the map.
     *
     * @throws IllegalArgumentException for more than {@link #MAX_IDS} ids
     * @throws StoreUnavailableException when PostgreSQL cannot be reached
     * @throws StoreException when the query fails otherwise
     */
    Map<String, LedgerEntry> find(Collection<String> jobIds);
}
