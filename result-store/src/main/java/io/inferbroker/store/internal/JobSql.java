package io.inferbroker.store.internal;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The statements that merge records into {@code jobs}. Each is an upsert, so whichever record of a
 * job comes first creates its row. The rules, enforced here so that any order of arrival and any
 * number of redeliveries end in the same row:
 *
 * <ul>
 *   <li>the request is authoritative for tenant, model, kind, input, metadata and created_at;
 *   <li>status only moves to a higher rank, except that the first terminal result sets the terminal
 *       status it reports;
 *   <li>only a result makes a job terminal: terminal lifecycle events are not merged (each is paired
 *       with a result, which may arrive later on its own topic), so a finished job always holds its
 *       output, usage and cost;
 *   <li>the first terminal result wins: output, error, usage, cost and worker come from it, later
 *       results never replace them;
 *   <li>timestamps are filled when still null, never overwritten;
 *   <li>attempts is the highest attempt seen.
 * </ul>
 *
 * In {@code ON CONFLICT DO UPDATE}, {@code jobs.*} is the stored row and {@code excluded.*} the incoming one.
 * Each statement takes many records, one text array per column ({@link TextColumns}); one statement
 * may update a row only once, so a statement holds at most one record per job.
 */
final class JobSql {
    private JobSql() {}

    /** The columns of {@link #UPSERT_REQUESTS}, one bound text array each. */
    static final List<String> REQUEST_COLUMNS = List.of(
            "id",
            "tenant_id",
            "api_key_id",
            "model",
            "kind",
            "status",
            "status_rank",
            "input",
            "priority",
            "deadline",
            "webhook",
            "metadata",
            "idempotency_key",
            "created_at");

    /** The columns of {@link #UPSERT_EVENTS}. */
    static final List<String> EVENT_COLUMNS = List.of(
            "id",
            "tenant_id",
            "model",
            "status",
            "status_rank",
            "at",
            "dispatched_at",
            "started_at",
            "worker_id",
            "attempt");

    /** The columns of {@link #UPSERT_RESULTS}. */
    static final List<String> RESULT_COLUMNS = List.of(
            "id",
            "tenant_id",
            "model",
            "status",
            "status_rank",
            "accepted_at",
            "dispatched_at",
            "started_at",
            "first_token_at",
            "completed_at",
            "output",
            "error_code",
            "error_message",
            "prompt_tokens",
            "completion_tokens",
            "cost_amount",
            "cost_currency",
            "worker_id",
            "attempt");

    /** The columns of {@link #INSERT_RESULTS_AUDIT}: a result's and its Kafka position. */
    static final List<String> AUDIT_COLUMNS = Stream.concat(
                    Stream.of("topic", "kafka_partition", "kafka_offset"), RESULT_COLUMNS.stream())
            .toList();

    /** What an upsert of {@code jobs} gives back of each row it leaves: a {@link TouchedJob}. */
    static final String RETURNING_JOB =
            "returning id, tenant_id, status, request_received, started_at is not null as started, webhook::text\n";

    /** Requests, at most one per job (one statement may update a row only once). */
    static final String UPSERT_REQUESTS = """
            insert into jobs (id, tenant_id, api_key_id, model, kind, status, status_rank, request_received, input,
                              priority, deadline, webhook, metadata, idempotency_key, created_at, attempts, updated_at)
            select u.id, u.tenant_id, u.api_key_id, u.model, u.kind, u.status, cast(u.status_rank as smallint), true,
                   cast(u.input as jsonb), cast(u.priority as integer), cast(u.deadline as timestamptz),
                   cast(u.webhook as jsonb), cast(u.metadata as jsonb), u.idempotency_key,
                   cast(u.created_at as timestamptz), 0, :now
            """ + unnest(REQUEST_COLUMNS) + """
            on conflict (id) do update set
                tenant_id = excluded.tenant_id,
                api_key_id = excluded.api_key_id,
                model = excluded.model,
                kind = excluded.kind,
                request_received = true,
                input = excluded.input,
                priority = excluded.priority,
                deadline = excluded.deadline,
                webhook = excluded.webhook,
                metadata = excluded.metadata,
                idempotency_key = excluded.idempotency_key,
                created_at = excluded.created_at,
                updated_at = excluded.updated_at
            """ + RETURNING_JOB;

    /**
     * Non-terminal lifecycle events, at most one per job. A terminal event is not merged: the job's
     * end (status, error, completion time, output) comes from its result, so a finished job is never
     * shown or announced without it.
     */
    static final String UPSERT_EVENTS = """
            insert into jobs (id, tenant_id, model, status, status_rank, created_at, dispatched_at, started_at,
                              worker_id, attempts, updated_at)
            select u.id, u.tenant_id, u.model, u.status, cast(u.status_rank as smallint), cast(u.at as timestamptz),
                   cast(u.dispatched_at as timestamptz), cast(u.started_at as timestamptz), u.worker_id,
                   cast(u.attempt as integer), :now
            """ + unnest(EVENT_COLUMNS) + """
            on conflict (id) do update set
                status = case when excluded.status_rank > jobs.status_rank
                              then excluded.status else jobs.status end,
                status_rank = greatest(jobs.status_rank, excluded.status_rank),
                created_at = case when jobs.request_received
                                  then jobs.created_at else least(jobs.created_at, excluded.created_at) end,
                dispatched_at = coalesce(jobs.dispatched_at, excluded.dispatched_at),
                started_at = coalesce(jobs.started_at, excluded.started_at),
                worker_id = case when jobs.result_attempt is null and excluded.worker_id is not null
                                      and excluded.attempts >= jobs.attempts
                                 then excluded.worker_id else jobs.worker_id end,
                attempts = greatest(jobs.attempts, excluded.attempts),
                updated_at = excluded.updated_at
            """ + RETURNING_JOB;

    /** Results, at most one per job; the first terminal result wins. */
    static final String UPSERT_RESULTS = """
            insert into jobs (id, tenant_id, model, status, status_rank, created_at, dispatched_at, started_at,
                              first_token_at, completed_at, output, error_code, error_message, prompt_tokens,
                              completion_tokens, cost_amount, cost_currency, worker_id, attempts, result_attempt,
                              updated_at)
            select u.id, u.tenant_id, u.model, u.status, cast(u.status_rank as smallint),
                   cast(u.accepted_at as timestamptz), cast(u.dispatched_at as timestamptz),
                   cast(u.started_at as timestamptz), cast(u.first_token_at as timestamptz),
                   cast(u.completed_at as timestamptz), cast(u.output as jsonb), u.error_code, u.error_message,
                   cast(u.prompt_tokens as integer), cast(u.completion_tokens as integer),
                   cast(u.cost_amount as numeric), u.cost_currency, u.worker_id, cast(u.attempt as integer),
                   cast(u.attempt as integer), :now
            """ + unnest(RESULT_COLUMNS) + """
            on conflict (id) do update set
                status = case when jobs.result_attempt is null then excluded.status else jobs.status end,
                status_rank = greatest(jobs.status_rank, excluded.status_rank),
                created_at = case when jobs.request_received
                                  then jobs.created_at else least(jobs.created_at, excluded.created_at) end,
                dispatched_at = coalesce(jobs.dispatched_at, excluded.dispatched_at),
                started_at = coalesce(jobs.started_at, excluded.started_at),
                first_token_at = coalesce(jobs.first_token_at, excluded.first_token_at),
                completed_at = coalesce(jobs.completed_at, excluded.completed_at),
                output = case when jobs.result_attempt is null then excluded.output else jobs.output end,
                error_code = case when jobs.result_attempt is null then excluded.error_code else jobs.error_code end,
                error_message = case when jobs.result_attempt is null
                                     then excluded.error_message else jobs.error_message end,
                prompt_tokens = case when jobs.result_attempt is null
                                     then excluded.prompt_tokens else jobs.prompt_tokens end,
                completion_tokens = case when jobs.result_attempt is null
                                         then excluded.completion_tokens else jobs.completion_tokens end,
                cost_amount = case when jobs.result_attempt is null then excluded.cost_amount else jobs.cost_amount end,
                cost_currency = case when jobs.result_attempt is null
                                     then excluded.cost_currency else jobs.cost_currency end,
                worker_id = case when jobs.result_attempt is null then excluded.worker_id else jobs.worker_id end,
                attempts = greatest(jobs.attempts, excluded.attempts),
                result_attempt = coalesce(jobs.result_attempt, excluded.result_attempt),
                updated_at = excluded.updated_at
            """ + RETURNING_JOB;

    /**
     * Every result is kept for audit, a whole batch in one statement; a redelivered record (same
     * Kafka position) is kept once.
     */
    static final String INSERT_RESULTS_AUDIT = """
            insert into job_results (topic, kafka_partition, kafka_offset, job_id, tenant_id, attempt, worker_id,
                                     status, output, error_code, error_message, prompt_tokens, completion_tokens,
                                     cost_amount, cost_currency, accepted_at, dispatched_at, started_at,
                                     first_token_at, completed_at, received_at)
            select u.topic, cast(u.kafka_partition as integer), cast(u.kafka_offset as bigint), u.id, u.tenant_id,
                   cast(u.attempt as integer), u.worker_id, u.status, cast(u.output as jsonb), u.error_code,
                   u.error_message, cast(u.prompt_tokens as integer), cast(u.completion_tokens as integer),
                   cast(u.cost_amount as numeric), u.cost_currency, cast(u.accepted_at as timestamptz),
                   cast(u.dispatched_at as timestamptz), cast(u.started_at as timestamptz),
                   cast(u.first_token_at as timestamptz), cast(u.completed_at as timestamptz), :now
            """ + unnest(AUDIT_COLUMNS) + """
            on conflict do nothing
            """;

    /** {@code from unnest(cast(:a as text[]), ...) as u(a, ...)}: one row per array index. */
    private static String unnest(List<String> columns) {
        return "  from unnest("
                + columns.stream().map(c -> "cast(:" + c + " as text[])").collect(Collectors.joining(", "))
                + ")\n       as u(" + String.join(", ", columns) + ")\n";
    }
}
