-- Per-tenant admission limits. Null means the broker's configured default; 0 means unlimited.
-- The ingress caches them for a few seconds, so a change takes effect within seconds everywhere.
alter table tenants
    add column rate_rpm   integer check (rate_rpm >= 0),
    add column rate_tpm   integer check (rate_tpm >= 0),
    add column max_queued integer check (max_queued >= 0);

comment on column tenants.rate_rpm is 'requests per minute; null = configured default, 0 = unlimited';
comment on column tenants.rate_tpm is 'estimated tokens per minute; null = configured default, 0 = unlimited';
comment on column tenants.max_queued is 'jobs the tenant may have queued at once; null = no tenant limit (admission applies per-model queue limits only)';
