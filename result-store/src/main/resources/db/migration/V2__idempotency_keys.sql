-- Idempotency-Key claims of POST /v1/jobs: the first request with a key claims it for its job; a
-- repeat with the same body gets the same job, with another body a conflict. Claims older than
-- 24 hours are ignored and deleted in small batches.
create table idempotency_keys (
    tenant_id     text        not null,
    key           text        not null,
    request_hash  text        not null,
    job_id        text        not null,
    job           jsonb       not null,
    created_at    timestamptz not null default now(),
    primary key (tenant_id, key)
);

create index idempotency_keys_created on idempotency_keys (created_at);
