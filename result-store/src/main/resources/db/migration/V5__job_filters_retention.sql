-- Filtered pages of a tenant's jobs (GET /v1/jobs?status= or ?model=) seek on an index holding the
-- filter and the order, instead of reading every newer job of the tenant along jobs_tenant_created.
create index jobs_tenant_status_created on jobs (tenant_id, status, created_at desc, id desc);
create index jobs_tenant_model_created on jobs (tenant_id, model, created_at desc, id desc);

-- Retention deletes finished jobs and audited results oldest first, a small batch at a time.
create index jobs_finished_completed on jobs (completed_at) where status_rank = 3;
create index job_results_received on job_results (received_at);
