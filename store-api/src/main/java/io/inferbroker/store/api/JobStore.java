package io.inferbroker.store.api;

import java.util.Optional;

/**
 * Read access to stored jobs. A tenant only ever sees its own jobs. Implementations are thread-safe
 * and block on the database.
 */
public interface JobStore {

    /**
     * The job with this id if it belongs to this tenant; empty when it does not exist, is not stored
     * yet, or belongs to another tenant.
     *
     * @throws StoreUnavailableException when PostgreSQL cannot be reached
     * @throws StoreException when the query fails otherwise
     */
    Optional<StoredJob> find(String tenantId, String jobId);

    /**
     * A page of this tenant's jobs, newest first (by acceptance time, then id), filtered as the
     * query says. Uses the {@code (tenant_id, created_at desc, id desc)} index.
     *
     * @throws StoreUnavailableException when PostgreSQL cannot be reached
     */
    JobPage list(String tenantId, JobQuery query);
}
