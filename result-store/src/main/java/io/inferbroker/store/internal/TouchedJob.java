package io.inferbroker.store.internal;

import io.inferbroker.schemas.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * A job's row as a batch left it, read back from the batch's own upserts ({@link
 * JobSql#RETURNING_JOB}): what the {@link DeliveryPlanner} needs to decide which webhook messages
 * the batch calls for.
 *
 * @param webhook the job's own webhook as JSON text; null when it has none or its request is not
 *     stored yet
 */
record TouchedJob(
        String id,
        String tenantId,
        JobStatus status,
        boolean requestReceived,
        boolean started,
        @Nullable String webhook) {}
