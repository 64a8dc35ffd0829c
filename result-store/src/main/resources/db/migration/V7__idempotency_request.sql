-- A claim keeps the request record it was made for, until Kafka has acknowledged that record. A claim
-- whose record was never acknowledged (the process died in between) is completed by the next repeat
-- of the request, which produces the same record again. Claims made before this column existed are
-- taken as produced.
alter table idempotency_keys
    add column request  bytea,
    add column produced boolean not null default true;
