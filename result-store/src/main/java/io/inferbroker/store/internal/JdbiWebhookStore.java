package io.inferbroker.store.internal;

import io.inferbroker.store.api.DeliveryRecord;
import io.inferbroker.store.api.WebhookStore;
import io.inferbroker.store.api.WebhookSubscription;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;

/** {@link WebhookStore} on the webhook tables. Thread-safe. */
public final class JdbiWebhookStore implements WebhookStore {
    private static final String SUBSCRIPTION_COLUMNS =
            "id, tenant_id, url, events, status, disabled_reason, created_at";
    private static final String DELIVERY_COLUMNS = """
            id, job_id, endpoint_id, url, event_type, status, attempts, next_attempt_at, last_http_status, last_error,
            created_at""";

    private final Jdbi jdbi;
    private final Clock clock;
    private final String address;
    private final SecureRandom random = new SecureRandom();

    public JdbiWebhookStore(Jdbi jdbi, Clock clock, String address) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.address = address;
    }

    @Override
    public Created create(String tenantId, String url, List<String> events) {
        String id = WebhookIds.subscription(random);
        String secret = WebhookSigner.newSecret(random);
        Instant now = clock.instant();
        return run(
                "cannot create a webhook subscription",
                () -> jdbi.inTransaction(h -> {
                    h.createUpdate(
                                    "insert into webhook_endpoints (id, tenant_id, url, events, status, created_at, updated_at)"
                                            + " values (:id, :t, :url, :events, 'active', :now, :now)")
                            .bind("id", id)
                            .bind("t", tenantId)
                            .bind("url", url)
                            .bind("events", events.toArray(String[]::new))
                            .bindByType("now", now, Instant.class)
                            .execute();
                    addSecret(h, id, secret, now);
                    return new Created(findIn(h, tenantId, id).orElseThrow(), secret);
                }));
    }

    @Override
    public List<WebhookSubscription> list(String tenantId) {
        return run(
                "cannot list webhook subscriptions",
                () -> jdbi.withHandle(h -> h.createQuery("select "
                                + SUBSCRIPTION_COLUMNS
                                + " from webhook_endpoints where tenant_id = :t and status <> 'deleted'"
                                + " order by created_at, id")
                        .bind("t", tenantId)
                        .map((rs, ctx) -> subscription(rs))
                        .list()));
    }

    @Override
    public Optional<WebhookSubscription> find(String tenantId, String id) {
        return run("cannot read webhook subscription " + id, () -> jdbi.withHandle(h -> findIn(h, tenantId, id)));
    }

    private static Optional<WebhookSubscription> findIn(Handle h, String tenantId, String id) {
        return h.createQuery("select " + SUBSCRIPTION_COLUMNS
                        + " from webhook_endpoints where id = :id and tenant_id = :t and status <> 'deleted'")
                .bind("id", id)
                .bind("t", tenantId)
                .map((rs, ctx) -> subscription(rs))
                .findOne();
    }

    @Override
    public boolean delete(String tenantId, String id) {
        Instant now = clock.instant();
        return run(
                "cannot delete webhook subscription " + id,
                () -> jdbi.inTransaction(h -> {
                    if (findIn(h, tenantId, id).isEmpty()) {
                        return false;
                    }
                    DeliveryQueue.disable(h, id, "subscription deleted", now);
                    h.createUpdate("update webhook_endpoints set status = 'deleted', updated_at = :now where id = :id")
                            .bind("id", id)
                            .bindByType("now", now, Instant.class)
                            .execute();
                    h.createUpdate("delete from webhook_secrets where owner_id = :id")
                            .bind("id", id)
                            .execute();
                    return true;
                }));
    }

    @Override
    public Optional<String> rotateSecret(String tenantId, String id, Duration overlap) {
        return run(
                "cannot rotate the secret of webhook subscription " + id,
                () -> jdbi.inTransaction(h -> {
                    if (findIn(h, tenantId, id).isEmpty()) {
                        return Optional.<String>empty();
                    }
                    return Optional.of(rotate(h, id, overlap));
                }));
    }

    @Override
    public String rotateJobSecret(String tenantId, Duration overlap) {
        return run("cannot rotate the job webhook secret", () -> jdbi.inTransaction(h -> rotate(h, tenantId, overlap)));
    }

    private String rotate(Handle h, String owner, Duration overlap) {
        Instant now = clock.instant();
        h.createUpdate("update webhook_secrets set expires_at = :end"
                        + " where owner_id = :o and (expires_at is null or expires_at > :end)")
                .bind("o", owner)
                .bindByType("end", now.plus(overlap), Instant.class)
                .execute();
        String secret = WebhookSigner.newSecret(random);
        // A secret created in the same microsecond as an older one must still sort first.
        addSecret(h, owner, secret, now.plusNanos(1000));
        return secret;
    }

    private static void addSecret(Handle h, String owner, String secret, Instant now) {
        h.createUpdate("insert into webhook_secrets (owner_id, secret, created_at) values (:o, :s, :now)")
                .bind("o", owner)
                .bind("s", secret)
                .bindByType("now", now, Instant.class)
                .execute();
    }

    @Override
    public List<DeliveryRecord> deliveriesOfJob(String tenantId, String jobId) {
        return run(
                "cannot read the webhook messages of job " + jobId,
                () -> jdbi.withHandle(h -> withAttempts(
                        h,
                        h.createQuery("select " + DELIVERY_COLUMNS + " from webhook_deliveries where tenant_id = :t"
                                        + " and job_id = :j order by event_rank, created_at, id")
                                .bind("t", tenantId)
                                .bind("j", jobId)
                                .map((rs, ctx) -> delivery(rs))
                                .list())));
    }

    @Override
    public Optional<List<DeliveryRecord>> deliveriesOfSubscription(String tenantId, String id, int limit) {
        return run(
                "cannot read the webhook messages of subscription " + id,
                () -> jdbi.withHandle(h -> {
                    boolean known =
                            h.createQuery("select count(*) from webhook_endpoints where id = :id and tenant_id = :t")
                                            .bind("id", id)
                                            .bind("t", tenantId)
                                            .mapTo(Integer.class)
                                            .one()
                                    > 0;
                    if (!known) {
                        return Optional.<List<DeliveryRecord>>empty();
                    }
                    return Optional.of(withAttempts(
                            h,
                            h.createQuery("select " + DELIVERY_COLUMNS
                                            + " from webhook_deliveries where endpoint_id = :id"
                                            + " and tenant_id = :t order by created_at desc, id limit :limit")
                                    .bind("id", id)
                                    .bind("t", tenantId)
                                    .bind("limit", limit)
                                    .map((rs, ctx) -> delivery(rs))
                                    .list()));
                }));
    }

    @Override
    public Retry retry(String tenantId, String deliveryId) {
        Instant now = clock.instant();
        return run(
                "cannot retry webhook message " + deliveryId,
                () -> jdbi.inTransaction(h -> {
                    Optional<String> status = h.createQuery(
                                    "select status from webhook_deliveries where id = :id and tenant_id = :t for update")
                            .bind("id", deliveryId)
                            .bind("t", tenantId)
                            .mapTo(String.class)
                            .findOne();
                    if (status.isEmpty()) {
                        return new Retry.NotFound();
                    }
                    if (!status.get().equals("exhausted") && !status.get().equals("disabled")) {
                        return new Retry.NotRetryable(status.get());
                    }
                    h.createUpdate("update webhook_deliveries set status = 'pending', max_attempts = attempts + 1,"
                                    + " next_attempt_at = :now, lease_owner = null, lease_until = null, updated_at = :now"
                                    + " where id = :id")
                            .bind("id", deliveryId)
                            .bindByType("now", now, Instant.class)
                            .execute();
                    DeliveryRecord d = withAttempts(
                                    h,
                                    h.createQuery("select " + DELIVERY_COLUMNS
                                                    + " from webhook_deliveries where id = :id")
                                            .bind("id", deliveryId)
                                            .map((rs, ctx) -> delivery(rs))
                                            .list())
                            .getFirst();
                    return new Retry.Scheduled(d);
                }));
    }

    private static List<DeliveryRecord> withAttempts(Handle h, List<DeliveryRecord> deliveries) {
        if (deliveries.isEmpty()) {
            return deliveries;
        }
        Map<String, List<DeliveryRecord.Attempt>> log = h
                .createQuery("select delivery_id, attempt, at, outcome, http_status, error, duration_ms"
                        + " from webhook_attempts where delivery_id = any(:ids) order by attempt")
                .bind("ids", deliveries.stream().map(DeliveryRecord::id).toArray(String[]::new))
                .map((rs, ctx) -> Map.entry(
                        rs.getString("delivery_id"),
                        new DeliveryRecord.Attempt(
                                rs.getInt("attempt"),
                                instant(rs, "at"),
                                rs.getString("outcome"),
                                rs.getObject("http_status", Integer.class),
                                rs.getString("error"),
                                Duration.ofMillis(rs.getInt("duration_ms")))))
                .stream()
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        return deliveries.stream()
                .map(d -> new DeliveryRecord(
                        d.id(),
                        d.jobId(),
                        d.subscriptionId(),
                        d.url(),
                        d.eventType(),
                        d.status(),
                        d.attempts(),
                        d.nextAttemptAt(),
                        d.lastHttpStatus(),
                        d.lastError(),
                        d.createdAt(),
                        log.getOrDefault(d.id(), List.of())))
                .toList();
    }

    private static WebhookSubscription subscription(ResultSet rs) throws SQLException {
        return new WebhookSubscription(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("url"),
                DeliveryPlanner.strings(rs.getArray("events")),
                rs.getString("status"),
                rs.getString("disabled_reason"),
                instant(rs, "created_at"));
    }

    private static DeliveryRecord delivery(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        OffsetDateTime next = rs.getObject("next_attempt_at", OffsetDateTime.class);
        return new DeliveryRecord(
                rs.getString("id"),
                rs.getString("job_id"),
                rs.getString("endpoint_id"),
                rs.getString("url"),
                rs.getString("event_type"),
                status,
                rs.getInt("attempts"),
                status.equals("pending") && next != null ? next.toInstant() : null,
                rs.getObject("last_http_status", Integer.class),
                rs.getString("last_error"),
                instant(rs, "created_at"),
                List.of());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        @Nullable OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        if (t == null) {
            throw new SQLException(column + " is null");
        }
        return t.toInstant();
    }

    private <T> T run(String attempted, Supplier<T> call) {
        try {
            return call.get();
        } catch (JdbiException e) {
            throw StoreErrors.translate(attempted, e, address);
        }
    }
}
