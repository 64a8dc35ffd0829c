package io.inferbroker.store.internal;

import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.statement.Update;
import org.jspecify.annotations.Nullable;

/**
 * Results laid out column by column as text arrays, for the multi-row statements of {@link JobSql}
 * ({@code unnest} of one array per column). Text keeps the binding to one array type; the statements
 * cast each column back. Not thread-safe.
 */
final class ResultColumns {
    private final List<String> id;
    private final List<String> tenant = new ArrayList<>();
    private final List<String> model = new ArrayList<>();
    private final List<String> status = new ArrayList<>();
    private final List<String> rank = new ArrayList<>();
    private final List<@Nullable String> accepted = new ArrayList<>();
    private final List<@Nullable String> dispatched = new ArrayList<>();
    private final List<@Nullable String> started = new ArrayList<>();
    private final List<@Nullable String> firstToken = new ArrayList<>();
    private final List<@Nullable String> completed = new ArrayList<>();
    private final List<@Nullable String> output = new ArrayList<>();
    private final List<@Nullable String> errorCode = new ArrayList<>();
    private final List<@Nullable String> errorMessage = new ArrayList<>();
    private final List<@Nullable String> promptTokens = new ArrayList<>();
    private final List<@Nullable String> completionTokens = new ArrayList<>();
    private final List<@Nullable String> costAmount = new ArrayList<>();
    private final List<@Nullable String> costCurrency = new ArrayList<>();
    private final List<@Nullable String> worker = new ArrayList<>();
    private final List<String> attempt = new ArrayList<>();
    private final List<String> topic = new ArrayList<>();
    private final List<String> partition = new ArrayList<>();
    private final List<String> offset = new ArrayList<>();

    ResultColumns(int size) {
        this.id = new ArrayList<>(size);
    }

    void add(Decoded.Result decoded, @Nullable String outputJson) {
        JobResult r = decoded.value();
        Timings t = r.timings();
        @Nullable Usage usage = r.usage();
        @Nullable Cost cost = r.cost();
        @Nullable JobError error = r.error();
        id.add(r.jobId());
        tenant.add(r.tenantId());
        model.add(r.model());
        status.add(r.status().wireName());
        rank.add(Integer.toString(r.status().rank()));
        accepted.add(text(t.acceptedAt()));
        dispatched.add(text(t.dispatchedAt()));
        started.add(text(t.startedAt()));
        firstToken.add(text(t.firstTokenAt()));
        completed.add(text(t.completedAt()));
        output.add(outputJson);
        errorCode.add(error == null ? null : error.code());
        errorMessage.add(error == null ? null : error.message());
        promptTokens.add(usage == null ? null : Integer.toString(usage.promptTokens()));
        completionTokens.add(usage == null ? null : Integer.toString(usage.completionTokens()));
        costAmount.add(cost == null ? null : cost.amount().toPlainString());
        costCurrency.add(cost == null ? null : cost.currency());
        worker.add(r.workerId());
        attempt.add(Integer.toString(r.attempt()));
        topic.add(decoded.source().topicName());
        partition.add(Integer.toString(decoded.source().partition()));
        offset.add(Long.toString(decoded.source().offset()));
    }

    /** Binds the columns of {@link JobSql#UPSERT_RESULTS_BULK}. */
    Update bind(Update u, Instant now) {
        return common(u, now);
    }

    /** Binds the columns of {@link JobSql#INSERT_RESULTS_AUDIT_BULK}. */
    Update bindAudit(Update u, Instant now) {
        return common(u, now)
                .bind("topic", array(topic))
                .bind("kafka_partition", array(partition))
                .bind("kafka_offset", array(offset));
    }

    private Update common(Update u, Instant now) {
        return u.bind("id", array(id))
                .bind("tenant_id", array(tenant))
                .bind("model", array(model))
                .bind("status", array(status))
                .bind("accepted_at", array(accepted))
                .bind("dispatched_at", array(dispatched))
                .bind("started_at", array(started))
                .bind("first_token_at", array(firstToken))
                .bind("completed_at", array(completed))
                .bind("output", array(output))
                .bind("error_code", array(errorCode))
                .bind("error_message", array(errorMessage))
                .bind("prompt_tokens", array(promptTokens))
                .bind("completion_tokens", array(completionTokens))
                .bind("cost_amount", array(costAmount))
                .bind("cost_currency", array(costCurrency))
                .bind("worker_id", array(worker))
                .bind("attempt", array(attempt))
                .bind("status_rank", array(rank))
                .bindByType("now", now, Instant.class);
    }

    private static String[] array(List<? extends @Nullable String> values) {
        return values.toArray(String[]::new);
    }

    private static @Nullable String text(@Nullable Instant t) {
        return t == null ? null : t.toString();
    }
}
