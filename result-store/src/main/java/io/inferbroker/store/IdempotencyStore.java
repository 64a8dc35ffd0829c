package io.inferbroker.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Claims of {@code Idempotency-Key} values, per tenant, for {@link #WINDOW}. Thread-safe; every
 * call is one short database transaction.
 */
public interface IdempotencyStore {
    /** How long a claim holds. */
    Duration WINDOW = Duration.ofHours(24);

    /**
     * Claims {@code key} for a new job unless a live claim exists.
     *
     * @param requestHash a digest of the request body; a repeat must match it
     * @param job the job object to answer repeats with until the job is stored
     */
    Claim claim(String tenantId, String key, String requestHash, String jobId, JsonNode job);

    /** Gives up a claim this job holds (its submission failed), so a retry can claim the key. */
    void release(String tenantId, String key, String jobId);

    /**
     * Deletes up to {@code limit} claims older than {@link #WINDOW}.
     *
     * @return how many were deleted
     */
    int purgeExpired(int limit);

    /** The outcome of a claim. */
    sealed interface Claim {
        /** The key is this job's now: submit it. */
        record Claimed() implements Claim {}

        /** The same request came before: answer with that job. */
        record Repeat(String jobId, JsonNode job) implements Claim {}

        /** The key was used with another body. */
        record Conflict(String jobId) implements Claim {}
    }
}
