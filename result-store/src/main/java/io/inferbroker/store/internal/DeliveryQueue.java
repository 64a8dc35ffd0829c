package io.inferbroker.store.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The webhook messages due for an attempt, shared by any number of dispatchers on one database.
 * A dispatcher claims a batch with {@code FOR UPDATE SKIP LOCKED} and a lease (concurrent claims
 * never return the same message; a dispatcher that dies gives its messages back when the lease
 * ends), and records each attempt under the lease it holds. A message waits while an earlier one of
 * its job to the same target is pending, so one target hears of a job in lifecycle order.
 * Thread-safe; every call is one short transaction.
 */
public final class DeliveryQueue {
    private static final String CLAIM = """
            update webhook_deliveries d
               set lease_owner = :owner, lease_until = :until, updated_at = :now
             where d.id in (
                select c.id from webhook_deliveries c
                 where c.status = 'pending' and c.next_attempt_at <= :now
                   and (c.lease_until is null or c.lease_until < :now)
                   and not exists (select 1 from webhook_deliveries e
                                    where e.job_id = c.job_id and e.target = c.target
                                      and e.event_rank < c.event_rank and e.status = 'pending')
                 order by c.next_attempt_at
                 limit :limit
                 for update skip locked)
            returning d.id, d.tenant_id, d.job_id, d.target, d.endpoint_id, d.url, d.event_type, d.payload,
                      d.attempts, d.max_attempts,
                      (select array_agg(s.secret order by s.created_at desc) from webhook_secrets s
                        where s.owner_id = coalesce(d.endpoint_id, d.tenant_id)
                          and (s.expires_at is null or s.expires_at > :now)) as secrets""";
    private static final String SECRETS = """
            select secret from webhook_secrets
             where owner_id = :owner and (expires_at is null or expires_at > :now)
             order by created_at desc""";
    private static final String RECORD = """
            update webhook_deliveries
               set status = :status, attempts = attempts + 1, next_attempt_at = coalesce(:next, next_attempt_at),
                   lease_owner = null, lease_until = null, last_http_status = :http_status, last_error = :error,
                   updated_at = :now
             where id = :id and lease_owner = :owner""";
    private static final String ATTEMPT = """
            insert into webhook_attempts (delivery_id, attempt, at, outcome, http_status, error, duration_ms)
            values (:id, :attempt, :at, :outcome, :http_status, :error, :duration_ms)
            on conflict do nothing""";

    private final Jdbi jdbi;
    private final SecureRandom random = new SecureRandom();

    public DeliveryQueue(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * A claimed message. {@code maxAttempts} is null when the configured schedule decides; {@code
     * secrets} are its target's active signing secrets at claim time, newest first.
     */
    public record Claimed(
            String id,
            String tenantId,
            String jobId,
            String target,
            @Nullable String endpointId,
            String url,
            String eventType,
            String payload,
            int attempts,
            @Nullable Integer maxAttempts,
            List<String> secrets) {}

    /** How an attempt ended, as stored. */
    public record Recorded(
            String status,
            String outcome,
            @Nullable Integer httpStatus,
            @Nullable String error,
            @Nullable Instant nextAttemptAt,
            Instant at,
            Duration took) {}

    /** Claims up to {@code limit} due messages for {@code lease}. */
    public List<Claimed> claim(String owner, int limit, Instant now, Duration lease) {
        return jdbi.inTransaction(h -> h.createQuery(CLAIM)
                .bind("owner", owner)
                .bindByType("until", now.plus(lease), Instant.class)
                .bindByType("now", now, Instant.class)
                .bind("limit", limit)
                .map((rs, ctx) -> new Claimed(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        rs.getString("job_id"),
                        rs.getString("target"),
                        rs.getString("endpoint_id"),
                        rs.getString("url"),
                        rs.getString("event_type"),
                        rs.getString("payload"),
                        rs.getInt("attempts"),
                        rs.getObject("max_attempts", Integer.class),
                        DeliveryPlanner.strings(rs.getArray("secrets"))))
                .list());
    }

    /**
     * The active signing secrets of a message's target, newest first: those read with the claim, or
     * read now. A job's own webhook is signed with its tenant's job-webhook secrets, created here on
     * first use.
     */
    public List<String> secrets(Claimed c, Instant now) {
        if (!c.secrets().isEmpty()) {
            return c.secrets();
        }
        String owner = c.endpointId() != null ? c.endpointId() : c.tenantId();
        return jdbi.inTransaction(h -> {
            List<String> found = secrets(h, owner, now);
            if (!found.isEmpty() || c.endpointId() != null) {
                return found;
            }
            h.createUpdate("insert into webhook_secrets (owner_id, secret, created_at) values (:o, :s, :now)"
                            + " on conflict do nothing")
                    .bind("o", owner)
                    .bind("s", WebhookSigner.newSecret(random))
                    .bindByType("now", now, Instant.class)
                    .execute();
            return secrets(h, owner, now);
        });
    }

    static List<String> secrets(Handle h, String owner, Instant now) {
        return h.createQuery(SECRETS)
                .bind("owner", owner)
                .bindByType("now", now, Instant.class)
                .mapTo(String.class)
                .list();
    }

    /** One attempt's outcome, to record. */
    public record Outcome(Claimed claimed, Recorded recorded) {}

    /**
     * Stores the outcomes of a batch's attempts in one transaction, each only if this dispatcher
     * still holds the message's lease; a 410 also disables the subscription and its other pending
     * messages.
     *
     * @return the outcomes stored (those whose lease was lost are left out: another dispatcher may
     *     have the message now)
     */
    public List<Outcome> record(List<Outcome> outcomes, String owner) {
        return jdbi.inTransaction(h -> {
            List<Outcome> stored = new ArrayList<>(outcomes.size());
            for (Outcome o : outcomes) {
                if (record(h, o.claimed(), owner, o.recorded())) {
                    stored.add(o);
                }
            }
            return stored;
        });
    }

    private static boolean record(Handle h, Claimed c, String owner, Recorded r) {
        int updated = h.createUpdate(RECORD)
                .bind("status", r.status())
                .bindByType("next", r.nextAttemptAt(), Instant.class)
                .bind("http_status", r.httpStatus())
                .bind("error", r.error())
                .bindByType("now", r.at(), Instant.class)
                .bind("id", c.id())
                .bind("owner", owner)
                .execute();
        if (updated == 0) {
            return false;
        }
        h.createUpdate(ATTEMPT)
                .bind("id", c.id())
                .bind("attempt", c.attempts() + 1)
                .bindByType("at", r.at(), Instant.class)
                .bind("outcome", r.outcome())
                .bind("http_status", r.httpStatus())
                .bind("error", r.error())
                .bind("duration_ms", (int) Math.min(Integer.MAX_VALUE, r.took().toMillis()))
                .execute();
        if (r.status().equals("disabled") && c.endpointId() != null) {
            disable(h, c.endpointId(), "answered 410 Gone", r.at());
        }
        return true;
    }

    static void disable(Handle h, String endpointId, String reason, Instant now) {
        h.createUpdate("update webhook_endpoints set status = 'disabled', disabled_reason = :r, updated_at = :now"
                        + " where id = :id and status = 'active'")
                .bind("r", reason)
                .bindByType("now", now, Instant.class)
                .bind("id", endpointId)
                .execute();
        h.createUpdate("update webhook_deliveries set status = 'disabled', last_error = :r, updated_at = :now"
                        + " where endpoint_id = :id and status = 'pending'")
                .bind("r", reason)
                .bindByType("now", now, Instant.class)
                .bind("id", endpointId)
                .execute();
    }
}
