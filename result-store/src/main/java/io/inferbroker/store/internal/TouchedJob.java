package io.inferbroker.store.internal;

import io.inferbroker.schemas.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * A job's row as a batch left it, read back from the batch's own upserts: what the {@link
 * DeliveryPlanner} needs to decide which webhook messages the batch calls for.
 *
 * @param webhook the job's own webhook as JSON text, null when it has none (or its request is still unknown)
 */
public record TouchedJob(
        String id,
        String tenantId,
        JobStatus status,
        boolean requestReceived,
        boolean started,
        @Nullable String webhook) {

    /** The clause an upsert of {@code jobs} ends with to give these columns. */
    static final String RETURNING =
            " returning id, tenant_id, status, request_received, started_at is not null as started, webhook::text";
}
