-- Tenant webhook subscriptions: an URL and the events it wants (exact names or 'job.*').
create table webhook_endpoints (
    id               text        primary key,
    tenant_id        text        not null,
    url              text        not null,
    events           text[]      not null,
    -- active | disabled (answered 410 Gone) | deleted
    status           text        not null,
    disabled_reason  text,
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);

create index webhook_endpoints_tenant on webhook_endpoints (tenant_id, created_at);

-- Signing secrets (whsec_...). Several are active during a rotation: every active one signs. The
-- owner is a subscription's id, or a tenant's id for the secret signing its per-job webhooks. They
-- are stored as given: signing needs the secret itself, not a hash.
create table webhook_secrets (
    owner_id    text        not null,
    secret      text        not null,
    created_at  timestamptz not null,
    -- null while active without end; a rotated-out secret signs until then
    expires_at  timestamptz,
    primary key (owner_id, secret)
);

-- One message per job, event and target; its id is the webhook-id header, constant across retries.
-- target is the subscription's id, or 'job' for the job's own webhook. event_rank orders one job's
-- messages to one target (started 2 before terminal 3); a job has one terminal message per target.
create table webhook_deliveries (
    id               text        primary key,
    tenant_id        text        not null,
    job_id           text        not null,
    target           text        not null,
    endpoint_id      text,
    url              text        not null,
    event_type       text        not null,
    event_rank       smallint    not null,
    payload          text        not null,
    -- pending | delivered | exhausted | disabled
    status           text        not null,
    attempts         integer     not null default 0,
    -- null: as many as the dispatcher's schedule allows; a manual retry allows one more
    max_attempts     integer,
    next_attempt_at  timestamptz not null,
    lease_owner      text,
    lease_until      timestamptz,
    last_http_status integer,
    last_error       text,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    unique (job_id, target, event_rank)
);

create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, created_at desc) where endpoint_id is not null;
create index webhook_deliveries_tenant_job on webhook_deliveries (tenant_id, job_id);
create index webhook_deliveries_created on webhook_deliveries (created_at);

-- Every attempt, for the delivery log.
create table webhook_attempts (
    delivery_id  text        not null references webhook_deliveries (id) on delete cascade,
    attempt      integer     not null,
    at           timestamptz not null,
    outcome      text        not null,
    http_status  integer,
    error        text,
    duration_ms  integer     not null,
    primary key (delivery_id, attempt)
);
