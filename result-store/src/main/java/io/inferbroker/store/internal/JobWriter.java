package io.inferbroker.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jspecify.annotations.Nullable;

/**
 * Writes decoded records into {@code jobs} and {@code job_results} on a handle the caller holds in a
 * transaction, as a few multi-row statements per batch: requests, lifecycle events and results each
 * in rounds, where round k holds the k-th record (in arrival order) of every job that has one. A
 * statement thus updates a row at most once, and the records of one job apply in arrival order, so
 * the first result received stays the first and a late event never moves a job back. Terminal events
 * are not written: a job ends with its result, which every terminal event is paired with. A job's events
 * of one batch are first folded into one row where that has the same effect ({@link EventRow#fold}),
 * which saves a row version per event. Rows are
 * touched in job id order, which makes deadlocks between concurrent sinks unlikely (one is retried
 * like any transient failure). Thread-safe.
 */
public final class JobWriter {
    private static final Comparator<Decoded> BY_JOB = Comparator.comparing(Decoded::jobId);

    private final ObjectMapper mapper;
    private final Clock clock;

    public JobWriter(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * One multi-row statement of a batch and its rows.
     *
     * @param returnsJobs whether it is an upsert of {@code jobs} giving back the rows it leaves
     */
    record Bulk(String sql, TextColumns rows, boolean returnsJobs) {}

    /**
     * Writes every non-poison record; poison records are ignored.
     *
     * @return the rows of the jobs written, as the batch left them (read back from the upserts, in job id order)
     */
    public Collection<TouchedJob> write(Handle handle, List<Decoded> records) {
        Instant now = clock.instant();
        Map<String, TouchedJob> touched = new TreeMap<>();
        for (Bulk bulk : statements(records)) {
            if (!bulk.returnsJobs()) {
                bulk.rows()
                        .bind(handle.createUpdate(bulk.sql()))
                        .bindByType("now", now, Instant.class)
                        .execute();
                continue;
            }
            Query upsert = handle.createQuery(bulk.sql());
            // Result rows carry their Kafka position for the audit; the upsert does not read it.
            upsert.configure(SqlStatements.class, cfg -> cfg.setUnusedBindingAllowed(true));
            // Later statements see the earlier ones' rows: the last row returned for a job is its state.
            bulk.rows()
                    .bind(upsert)
                    .bindByType("now", now, Instant.class)
                    .map(JobWriter::touched)
                    .forEach(t -> touched.put(t.id(), t));
        }
        return touched.values();
    }

    private static TouchedJob touched(ResultSet rs, StatementContext ctx) throws SQLException {
        String webhook = rs.getString("webhook");
        return new TouchedJob(
                rs.getString("id"),
                rs.getString("tenant_id"),
                JobStatus.fromWire(rs.getString("status")).orElse(JobStatus.QUEUED),
                rs.getBoolean("request_received"),
                rs.getBoolean("started"),
                webhook == null ? null : StoredText.decodeJson(webhook));
    }

    /**
     * The statements a batch needs, in the order they run: the rounds of requests, of events, of
     * results, then one audit insert of every result.
     */
    List<Bulk> statements(List<Decoded> records) {
        List<Decoded.Request> requests = new ArrayList<>();
        List<Decoded.Event> events = new ArrayList<>();
        List<Decoded.Result> results = new ArrayList<>();
        records.stream().sorted(BY_JOB).forEach(d -> {
            switch (d) {
                case Decoded.Request r -> requests.add(r);
                case Decoded.Event e -> {
                    // A job ends with its result, not its terminal event (see JobSql).
                    if (!e.value().type().status().isTerminal()) {
                        events.add(e);
                    }
                }
                case Decoded.Result r -> results.add(r);
                case Decoded.Poison p -> {
                    // nothing to store
                }
            }
        });
        List<Bulk> out = new ArrayList<>();
        for (List<Decoded.Request> round : rounds(requests, Decoded::jobId)) {
            TextColumns rows = new TextColumns();
            round.forEach(r -> request(rows.row(), r.value()));
            out.add(new Bulk(JobSql.UPSERT_REQUESTS, rows, true));
        }
        for (List<EventRow> round : rounds(eventRows(events), EventRow::jobId)) {
            TextColumns rows = new TextColumns();
            round.forEach(e -> event(rows.row(), e));
            out.add(new Bulk(JobSql.UPSERT_EVENTS, rows, true));
        }
        TextColumns audit = new TextColumns();
        for (List<Decoded.Result> round : rounds(results, Decoded::jobId)) {
            TextColumns rows = new TextColumns();
            for (Decoded.Result r : round) {
                String output = json(r.value().output());
                result(rows.row(), r, output);
                result(audit.row(), r, output);
            }
            out.add(new Bulk(JobSql.UPSERT_RESULTS, rows, true));
        }
        if (audit.rows() > 0) {
            out.add(new Bulk(JobSql.INSERT_RESULTS_AUDIT, audit, false));
        }
        return out;
    }

    /** Round k holds the k-th record of each job that has one, in the order of {@code records}. */
    static <T> List<List<T>> rounds(List<T> records, Function<T, String> job) {
        List<List<T>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (T r : records) {
            int round = seen.merge(job.apply(r), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(r);
        }
        return rounds;
    }

    /**
     * The rows of events sorted by job: the events of one job folded into one row where that is exact
     * (see {@link EventRow#fold}), one row per event otherwise.
     */
    static List<EventRow> eventRows(List<Decoded.Event> byJob) {
        List<EventRow> rows = new ArrayList<>(byJob.size());
        int from = 0;
        while (from < byJob.size()) {
            int to = from + 1;
            while (to < byJob.size()
                    && byJob.get(to).jobId().equals(byJob.get(from).jobId())) {
                to++;
            }
            List<LifecycleEvent> job =
                    byJob.subList(from, to).stream().map(Decoded.Event::value).toList();
            EventRow.fold(job).ifPresentOrElse(rows::add, () -> job.forEach(e -> rows.add(EventRow.of(e))));
            from = to;
        }
        return rows;
    }

    private void request(TextColumns c, JobRequested r) {
        c.put("id", r.jobId())
                .put("tenant_id", r.tenantId())
                .put("api_key_id", r.apiKeyId())
                .put("model", r.model())
                .put("kind", r.kind().name().toLowerCase(Locale.ROOT))
                .put("status", JobStatus.QUEUED.wireName())
                .put("status_rank", JobStatus.QUEUED.rank())
                .putJson("input", json(r.input()))
                .put("priority", r.priority())
                .put("deadline", r.deadline())
                .putJson("webhook", json(r.webhook()))
                .putJson("metadata", json(r.metadata()))
                .put("idempotency_key", r.idempotencyKey())
                .put("created_at", r.acceptedAt());
    }

    private static void event(TextColumns c, EventRow e) {
        c.put("id", e.jobId())
                .put("tenant_id", e.tenantId())
                .put("model", e.model())
                .put("status", e.status().wireName())
                .put("status_rank", e.status().rank())
                .put("at", e.at())
                .put("dispatched_at", e.dispatchedAt())
                .put("started_at", e.startedAt())
                .put("worker_id", e.workerId())
                .put("attempt", e.attempt());
    }

    private static void result(TextColumns c, Decoded.Result decoded, @Nullable String output) {
        JobResult r = decoded.value();
        Timings t = r.timings();
        @Nullable Usage usage = r.usage();
        @Nullable Cost cost = r.cost();
        @Nullable JobError error = r.error();
        c.put("topic", decoded.source().topicName())
                .put("kafka_partition", decoded.source().partition())
                .put("kafka_offset", decoded.source().offset())
                .put("id", r.jobId())
                .put("tenant_id", r.tenantId())
                .put("model", r.model())
                .put("status", r.status().wireName())
                .put("status_rank", r.status().rank())
                .put("accepted_at", t.acceptedAt())
                .put("dispatched_at", t.dispatchedAt())
                .put("started_at", t.startedAt())
                .put("first_token_at", t.firstTokenAt())
                .put("completed_at", t.completedAt())
                .putJson("output", output)
                .putText("error_code", error == null ? null : error.code())
                .putText("error_message", error == null ? null : error.message())
                .put("prompt_tokens", usage == null ? null : usage.promptTokens())
                .put("completion_tokens", usage == null ? null : usage.completionTokens())
                .put("cost_amount", cost == null ? null : cost.amount())
                .put("cost_currency", cost == null ? null : cost.currency())
                .put("worker_id", r.workerId())
                .put("attempt", r.attempt());
    }

    /** JSON text for a jsonb column, encoded by {@link StoredText#encodeJson}; null (also JSON null) stays SQL null. */
    private @Nullable String json(@Nullable Object value) {
        if (value == null || (value instanceof JsonNode node && node.isNull())) {
            return null;
        }
        try {
            return StoredText.encodeJson(mapper.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
