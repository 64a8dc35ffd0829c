-- Tables are created unqualified: Flyway runs this with the configured schema (BROKER_DB_SCHEMA) as
-- the search path.

create table tenants (
    id          text        primary key,
    name        text        not null,
    created_at  timestamptz not null default now()
);

create table api_keys (
    id          text        primary key,
    tenant_id   text        not null references tenants (id),
    key_hash    bytea       not null unique,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);

create index api_keys_tenant on api_keys (tenant_id);

-- One row per job, merged from its request, lifecycle events and first terminal result. Records of
-- the three topics arrive in any order, so every column except id, tenant_id, model, status and
-- created_at may still be unknown.
create table jobs (
    id                text        primary key,
    tenant_id         text        not null,
    api_key_id        text,
    model             text        not null,
    kind              text,
    status            text        not null,
    -- queued 0 < dispatched 1 < running 2 < terminal 3: a job only ever moves to a higher rank
    status_rank       smallint    not null,
    request_received  boolean     not null default false,
    input             jsonb,
    priority          integer     not null default 0,
    deadline          timestamptz,
    webhook           jsonb,
    metadata          jsonb       not null default '{}',
    idempotency_key   text,
    created_at        timestamptz not null,
    dispatched_at     timestamptz,
    started_at        timestamptz,
    first_token_at    timestamptz,
    completed_at      timestamptz,
    output            jsonb,
    error_code        text,
    error_message     text,
    prompt_tokens     integer,
    completion_tokens integer,
    cost_amount       numeric,
    cost_currency     text,
    worker_id         text,
    attempts          integer     not null default 0,
    -- attempt of the first terminal result; null until one arrived (later results never replace it)
    result_attempt    integer,
    updated_at        timestamptz not null
);

-- A tenant's jobs, newest first, for cursor pagination on (created_at, id).
create index jobs_tenant_created on jobs (tenant_id, created_at desc, id desc);

create index jobs_tenant_idempotency on jobs (tenant_id, idempotency_key) where idempotency_key is not null;

-- Every terminal result received, duplicates included, for audit. Keyed by its Kafka position so a
-- redelivered record is stored once while a result sent twice is stored twice.
create table job_results (
    topic             text        not null,
    kafka_partition   integer     not null,
    kafka_offset      bigint      not null,
    job_id            text        not null,
    tenant_id         text        not null,
    attempt           integer     not null,
    worker_id         text,
    status            text        not null,
    output            jsonb,
    error_code        text,
    error_message     text,
    prompt_tokens     integer,
    completion_tokens integer,
    cost_amount       numeric,
    cost_currency     text,
    accepted_at       timestamptz not null,
    dispatched_at     timestamptz,
    started_at        timestamptz,
    first_token_at    timestamptz,
    completed_at      timestamptz not null,
    received_at       timestamptz not null,
    primary key (topic, kafka_partition, kafka_offset)
);

create index job_results_job on job_results (job_id, attempt);
