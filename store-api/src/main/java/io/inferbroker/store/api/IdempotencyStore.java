package io.inferbroker.store.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/**
 * Claims of {@code Idempotency-Key} values, per tenant, for {@link #WINDOW}. Thread-safe; every
 * call is one short database transaction.
 *
 * <p>A claim is committed before its job's record is produced, so a process can die between the two.
 * The claim therefore keeps the record until {@link #produced} says Kafka acknowledged it; a repeat of
 * the request finds the record in {@link Claim.Repeat#unproduced()} and produces it again.
 */
public interface IdempotencyStore {
    /** How long a claim holds. */
    Duration WINDOW = Duration.ofHours(24);

    /**
     * Claims {@code key} for a new job unless a live claim exists.
     *
     * @param requestHash a digest of the request body; a repeat must match it
     * @param job the job object to answer repeats with until the job is stored
     * @param request the job's record as produced to Kafka, kept until {@link #produced}
     */
    Claim claim(String tenantId, String key, String requestHash, String jobId, JsonNode job, byte[] request);

    /** Records that Kafka acknowledged the record of the job holding this claim, and drops the record. */
    void produced(String tenantId, String key, String jobId);

    /** Gives up a claim this job holds (its submission failed), so a retry can claim the key. */
    void release(String tenantId, String key, String jobId);

    /** The outcome of a claim. */
    sealed interface Claim {
        /** The key is this job's now: submit it. */
        record Claimed() implements Claim {}

        /**
         * The same request came before: answer with that job. {@code unproduced} holds the job's
         * record while no acknowledgement of it is recorded: its submit may still be under way, or it
         * died; {@code age} (how long ago the key was claimed) tells which.
         */
        record Repeat(String jobId, JsonNode job, Optional<byte[]> unproduced, Duration age) implements Claim {}

        /** The key was used with another body. */
        record Conflict(String jobId) implements Claim {}
    }
}
