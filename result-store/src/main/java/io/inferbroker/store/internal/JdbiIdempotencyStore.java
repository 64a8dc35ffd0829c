package io.inferbroker.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.store.api.IdempotencyStore;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * {@link IdempotencyStore} on the {@code idempotency_keys} table; the job object is stored encoded
 * by {@link StoredText#encodeJson} (its metadata may hold U+0000). Thread-safe.
 */
public final class JdbiIdempotencyStore implements IdempotencyStore {
    private static final String DELETE_EXPIRED_ONE =
            "delete from idempotency_keys where tenant_id = :t and key = :k and created_at < :cutoff";
    private static final String INSERT =
            "insert into idempotency_keys (tenant_id, key, request_hash, job_id, job, request, produced)"
                    + " values (:t, :k, :h, :j, cast(:job as jsonb), :request, false)"
                    + " on conflict (tenant_id, key) do nothing";
    private static final String SELECT = "select request_hash, job_id, job::text as job, request, produced,"
            + " (extract(epoch from clock_timestamp() - created_at) * 1000)::bigint as age_ms"
            + " from idempotency_keys where tenant_id = :t and key = :k";

    /** Claims retried when the key is released under a claim; more than a few means something else is wrong. */
    private static final int ATTEMPTS = 5;

    private final Jdbi jdbi;
    private final ObjectMapper mapper;
    private final String address;

    public JdbiIdempotencyStore(Jdbi jdbi, ObjectMapper mapper, String address) {
        this.jdbi = jdbi;
        this.mapper = mapper;
        this.address = address;
    }

    @Override
    public Claim claim(String tenantId, String key, String requestHash, String jobId, JsonNode job, byte[] request) {
        try {
            return jdbi.inTransaction(h -> {
                h.createUpdate(DELETE_EXPIRED_ONE)
                        .bind("t", tenantId)
                        .bind("k", key)
                        .bind("cutoff", cutoff())
                        .execute();
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    int inserted = h.createUpdate(INSERT)
                            .bind("t", tenantId)
                            .bind("k", key)
                            .bind("h", requestHash)
                            .bind("j", jobId)
                            .bind("job", write(job))
                            .bind("request", request)
                            .execute();
                    if (inserted == 1) {
                        return new Claim.Claimed();
                    }
                    // Each statement sees what is committed when it starts: the holder may have released
                    // the key (its submit failed) between the insert and this read. Then claim it again.
                    Optional<Claim> held = existing(h, tenantId, key, requestHash);
                    if (held.isPresent()) {
                        return held.get();
                    }
                }
                throw new IllegalStateException("idempotency key of job " + jobId + " changed hands " + ATTEMPTS
                        + " times while being claimed");
            });
        } catch (JdbiException e) {
            throw StoreErrors.translate("cannot claim an idempotency key", e, address);
        }
    }

    private Optional<Claim> existing(Handle h, String tenantId, String key, String requestHash) {
        return h.createQuery(SELECT)
                .bind("t", tenantId)
                .bind("k", key)
                .map((rs, ctx) -> {
                    String jobId = rs.getString("job_id");
                    if (!rs.getString("request_hash").equals(requestHash)) {
                        return (Claim) new Claim.Conflict(jobId);
                    }
                    Optional<byte[]> unproduced =
                            rs.getBoolean("produced") ? Optional.empty() : Optional.ofNullable(rs.getBytes("request"));
                    Duration age = Duration.ofMillis(Math.max(0, rs.getLong("age_ms")));
                    return new Claim.Repeat(jobId, read(rs.getString("job")), unproduced, age);
                })
                .findOne();
    }

    @Override
    public void release(String tenantId, String key, String jobId) {
        try {
            jdbi.useHandle(h -> h.createUpdate(
                            "delete from idempotency_keys where tenant_id = :t and key = :k and job_id = :j")
                    .bind("t", tenantId)
                    .bind("k", key)
                    .bind("j", jobId)
                    .execute());
        } catch (JdbiException e) {
            throw StoreErrors.translate("cannot release an idempotency key", e, address);
        }
    }

    @Override
    public void produced(String tenantId, String key, String jobId) {
        try {
            jdbi.useHandle(h -> h.createUpdate("update idempotency_keys set produced = true, request = null"
                            + " where tenant_id = :t and key = :k and job_id = :j and not produced")
                    .bind("t", tenantId)
                    .bind("k", key)
                    .bind("j", jobId)
                    .execute());
        } catch (JdbiException e) {
            throw StoreErrors.translate("cannot record an idempotency key's job as produced", e, address);
        }
    }

    private static OffsetDateTime cutoff() {
        return OffsetDateTime.now(ZoneOffset.UTC).minus(WINDOW);
    }

    private String write(JsonNode job) {
        try {
            return StoredText.encodeJson(mapper.writeValueAsString(job));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("job object is not writable as JSON", e);
        }
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(StoredText.decodeJson(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored job object is not JSON", e);
        }
    }
}
