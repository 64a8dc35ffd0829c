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
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jspecify.annotations.Nullable;

/**
 * Writes decoded records into {@code jobs} and {@code job_results} on a handle the caller holds in a
 * transaction, one JDBC batch per statement. Each batch touches rows in job id order, which makes
 * deadlocks between concurrent sinks unlikely (one is retried like any transient failure); records of
 * one job keep their arrival order, so the first result received stays the first. Thread-safe.
 */
public final class JobWriter {
    private static final Comparator<Decoded> BY_JOB = Comparator.comparing(Decoded::jobId);

    private final ObjectMapper mapper;
    private final Clock clock;

    public JobWriter(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Writes every non-poison record; poison records are ignored. */
    public void write(Handle handle, List<Decoded> records) {
        Instant now = clock.instant();
        List<Decoded.Request> requests = new ArrayList<>();
        List<Decoded.Event> events = new ArrayList<>();
        List<Decoded.Result> results = new ArrayList<>();
        records.stream().sorted(BY_JOB).forEach(d -> {
            switch (d) {
                case Decoded.Request r -> requests.add(r);
                case Decoded.Event e -> events.add(e);
                case Decoded.Result r -> results.add(r);
                case Decoded.Poison p -> {
                    // nothing to store
                }
            }
        });
        if (!requests.isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(JobSql.UPSERT_REQUEST);
            requests.forEach(r -> bindRequest(batch, r.value(), now).add());
            batch.execute();
        }
        if (!events.isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(JobSql.UPSERT_EVENT);
            events.forEach(e -> bindEvent(batch, e.value(), now).add());
            batch.execute();
        }
        if (!results.isEmpty()) {
            writeResults(handle, results, now);
        }
    }

    /**
     * Results of jobs that appear once in the batch go in one multi-row statement each for the upsert
     * and the audit; a job with several results in the batch has them applied one by one, in arrival
     * order, so the first still wins.
     */
    private void writeResults(Handle handle, List<Decoded.Result> results, Instant now) {
        Map<String, Integer> perJob = new HashMap<>();
        results.forEach(r -> perJob.merge(r.jobId(), 1, Integer::sum));
        List<Decoded.Result> single = new ArrayList<>(results.size());
        List<Decoded.Result> repeated = new ArrayList<>();
        for (Decoded.Result r : results) {
            (perJob.get(r.jobId()) == 1 ? single : repeated).add(r);
        }
        if (!single.isEmpty()) {
            ResultColumns c = new ResultColumns(single.size());
            single.forEach(r -> c.add(r, json(r.value().output())));
            c.bind(handle.createUpdate(JobSql.UPSERT_RESULTS_BULK), now).execute();
        }
        if (!repeated.isEmpty()) {
            PreparedBatch upsert = handle.prepareBatch(JobSql.UPSERT_RESULT);
            upsert.configure(SqlStatements.class, cfg -> cfg.setUnusedBindingAllowed(true));
            repeated.forEach(r -> bindResult(upsert, r.value(), now).add());
            upsert.execute();
        }
        ResultColumns audit = new ResultColumns(results.size());
        results.forEach(r -> audit.add(r, json(r.value().output())));
        audit.bindAudit(handle.createUpdate(JobSql.INSERT_RESULTS_AUDIT_BULK), now)
                .execute();
    }

    private PreparedBatch bindRequest(PreparedBatch b, JobRequested r, Instant now) {
        return b.bind("id", r.jobId())
                .bind("tenant_id", r.tenantId())
                .bind("api_key_id", r.apiKeyId())
                .bind("model", r.model())
                .bind("kind", r.kind().name().toLowerCase(Locale.ROOT))
                .bind("status", JobStatus.QUEUED.wireName())
                .bind("status_rank", (short) JobStatus.QUEUED.rank())
                .bind("input", json(r.input()))
                .bind("priority", r.priority())
                .bindByType("deadline", r.deadline(), Instant.class)
                .bind("webhook", json(r.webhook()))
                .bind("metadata", json(r.metadata()))
                .bind("idempotency_key", r.idempotencyKey())
                .bindByType("created_at", r.acceptedAt(), Instant.class)
                .bindByType("now", now, Instant.class);
    }

    private static PreparedBatch bindEvent(PreparedBatch b, LifecycleEvent e, Instant now) {
        JobStatus status = e.type().status();
        @Nullable JobError error = status.isTerminal() ? e.error() : null;
        return b.bind("id", e.jobId())
                .bind("tenant_id", e.tenantId())
                .bind("model", e.model())
                .bind("status", status.wireName())
                .bind("status_rank", (short) status.rank())
                .bindByType("at", e.at(), Instant.class)
                .bindByType("dispatched_at", e.type() == LifecycleType.DISPATCHED ? e.at() : null, Instant.class)
                .bindByType("started_at", e.type() == LifecycleType.STARTED ? e.at() : null, Instant.class)
                .bindByType("completed_at", status.isTerminal() ? e.at() : null, Instant.class)
                .bind("error_code", error == null ? null : error.code())
                .bind("error_message", error == null ? null : error.message())
                .bind("worker_id", e.workerId())
                .bind("attempt", e.attempt())
                .bindByType("now", now, Instant.class);
    }

    private PreparedBatch bindResult(PreparedBatch b, JobResult r, Instant now) {
        Timings t = r.timings();
        @Nullable Usage usage = r.usage();
        @Nullable Cost cost = r.cost();
        @Nullable JobError error = r.error();
        return b.bind("id", r.jobId())
                .bind("tenant_id", r.tenantId())
                .bind("model", r.model())
                .bind("status", r.status().wireName())
                .bind("status_rank", (short) r.status().rank())
                .bindByType("accepted_at", t.acceptedAt(), Instant.class)
                .bindByType("dispatched_at", t.dispatchedAt(), Instant.class)
                .bindByType("started_at", t.startedAt(), Instant.class)
                .bindByType("first_token_at", t.firstTokenAt(), Instant.class)
                .bindByType("completed_at", t.completedAt(), Instant.class)
                .bind("output", json(r.output()))
                .bind("error_code", error == null ? null : error.code())
                .bind("error_message", error == null ? null : error.message())
                .bind("prompt_tokens", usage == null ? null : usage.promptTokens())
                .bind("completion_tokens", usage == null ? null : usage.completionTokens())
                .bind("cost_amount", cost == null ? null : cost.amount())
                .bind("cost_currency", cost == null ? null : cost.currency())
                .bind("worker_id", r.workerId())
                .bind("attempt", r.attempt())
                .bindByType("now", now, Instant.class);
    }

    /** JSON text for a jsonb column; null (also JSON null) stays SQL null. */
    private @Nullable String json(@Nullable Object value) {
        if (value == null || (value instanceof JsonNode node && node.isNull())) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
