package io.inferbroker.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.WebhookTarget;
import io.inferbroker.store.api.StoredJob;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jspecify.annotations.Nullable;

/**
 * Turns job transitions into webhook messages, in the transaction that stored them, so a message
 * exists exactly when its transition is stored: nothing is lost when the process dies, and a
 * redelivered or duplicate record adds nothing (one message per job, target and event rank; a job
 * has one terminal message per target, from its first terminal status). A {@code job.started}
 * message is not created once the job's terminal message exists, so a target never hears of a start
 * after the end. Thread-safe.
 */
public final class DeliveryPlanner {
    /** Target name of a job's own webhook; subscriptions' targets are their ids. */
    public static final String JOB_TARGET = "job";

    private static final String SUBSCRIPTIONS =
            "select id, tenant_id, url, events from webhook_endpoints where status = 'active' and tenant_id = any(:t)";
    private static final String EXISTING =
            "select job_id, target, event_rank from webhook_deliveries where job_id = any(:ids)";
    private static final String INSERT = """
            insert into webhook_deliveries (id, tenant_id, job_id, target, endpoint_id, url, event_type, event_rank,
                                            payload, status, attempts, max_attempts, next_attempt_at, created_at,
                                            updated_at)
            select :id, :tenant_id, :job_id, :target, :endpoint_id, :url, :event_type, :event_rank, :payload,
                   'pending', 0, null, :now, :now, :now
             where :terminal or not exists (select 1 from webhook_deliveries t
                                             where t.job_id = :job_id and t.target = :target and t.event_rank = 3)
            on conflict (job_id, target, event_rank) do nothing""";

    private final ObjectMapper mapper;
    private final WebhookPayload payload;
    private final JobRowMapper rows;
    private final SecureRandom random = new SecureRandom();

    public DeliveryPlanner(ObjectMapper mapper) {
        this.mapper = mapper;
        this.payload = new WebhookPayload(mapper);
        this.rows = new JobRowMapper(mapper);
    }

    private record Subscription(String id, String tenantId, String url, List<String> events) {}

    /** A message to create: job, target, event. */
    private record Planned(
            TouchedJob job, String target, @Nullable String endpointId, String url, String type, int rank) {
        String key() {
            return job.id() + "\u0000" + target + "\u0000" + rank;
        }
    }

    /**
     * Creates the messages the current state of these jobs calls for and that do not exist yet. Only
     * jobs that started or finished and have a target (their own webhook, or a subscription of their
     * tenant) are considered, so a batch without webhooks costs one lookup of its tenants' subscriptions.
     *
     * @param touched the jobs a batch wrote, as it left them
     */
    public void plan(Handle h, Collection<TouchedJob> touched, Instant now) {
        List<TouchedJob> started =
                touched.stream().filter(t -> t.status().rank() >= 2).toList();
        if (started.isEmpty()) {
            return;
        }
        String[] tenants = started.stream().map(TouchedJob::tenantId).distinct().toArray(String[]::new);
        Map<String, List<Subscription>> subs = h
                .createQuery(SUBSCRIPTIONS)
                .bind("t", tenants)
                .map((rs, ctx) -> new Subscription(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        rs.getString("url"),
                        strings(rs.getArray("events"))))
                .stream()
                .collect(Collectors.groupingBy(Subscription::tenantId));
        List<Planned> planned = new ArrayList<>();
        for (TouchedJob t : started) {
            List<Subscription> own = subs.getOrDefault(t.tenantId(), List.of());
            if (t.webhook() != null || !own.isEmpty()) {
                planFor(t, own, planned);
            }
        }
        if (planned.isEmpty()) {
            return;
        }
        Set<String> existing = new HashSet<>(h.createQuery(EXISTING)
                .bind("ids", planned.stream().map(p -> p.job().id()).distinct().toArray(String[]::new))
                .map((rs, ctx) ->
                        rs.getString("job_id") + "\u0000" + rs.getString("target") + "\u0000" + rs.getInt("event_rank"))
                .list());
        planned.removeIf(p -> existing.contains(p.key()));
        if (!planned.isEmpty()) {
            insert(h, planned, now);
        }
    }

    private void planFor(TouchedJob t, List<Subscription> subs, List<Planned> out) {
        List<String> types = new ArrayList<>(2);
        if (t.started()) {
            types.add(WebhookEvents.STARTED);
        }
        WebhookEvents.terminal(t.status()).ifPresent(types::add);
        WebhookTarget own = t.requestReceived() ? target(t) : null;
        for (String type : types) {
            int rank = type.equals(WebhookEvents.STARTED) ? WebhookEvents.STARTED_RANK : WebhookEvents.TERMINAL_RANK;
            if (own != null && WebhookEvents.selectedByJob(own.events(), type)) {
                out.add(new Planned(t, JOB_TARGET, null, own.url(), type, rank));
            }
            for (Subscription s : subs) {
                if (WebhookEvents.subscribed(s.events(), type)) {
                    out.add(new Planned(t, s.id(), s.id(), s.url(), type, rank));
                }
            }
        }
    }

    private void insert(Handle h, List<Planned> planned, Instant now) {
        String[] ids = planned.stream().map(p -> p.job().id()).distinct().toArray(String[]::new);
        Map<String, StoredJob> jobs = h
                .createQuery("select " + JobRowMapper.COLUMNS + " from jobs where id = any(:ids)")
                .bind("ids", ids)
                .map(rows)
                .stream()
                .collect(Collectors.toMap(StoredJob::id, Function.identity()));
        PreparedBatch batch = h.prepareBatch(INSERT);
        for (Planned p : planned) {
            StoredJob job = jobs.get(p.job().id());
            if (job == null) {
                continue;
            }
            batch.bind("id", WebhookIds.message(random))
                    .bind("tenant_id", job.tenantId())
                    .bind("job_id", job.id())
                    .bind("target", p.target())
                    .bind("endpoint_id", p.endpointId())
                    .bind("url", p.url())
                    .bind("event_type", p.type())
                    .bind("event_rank", (short) p.rank())
                    .bind("terminal", p.rank() == WebhookEvents.TERMINAL_RANK)
                    .bind("payload", payload.write(p.type(), job, now))
                    .bindByType("now", now, Instant.class)
                    .add();
        }
        if (batch.size() > 0) {
            batch.execute();
        }
    }

    private @Nullable WebhookTarget target(TouchedJob t) {
        if (t.webhook() == null) {
            return null;
        }
        try {
            return mapper.readValue(t.webhook(), WebhookTarget.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static List<String> strings(@Nullable Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        List<String> out = new ArrayList<>(values.length);
        for (Object v : values) {
            out.add(String.valueOf(v));
        }
        return out;
    }
}
