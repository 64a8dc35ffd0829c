package io.inferbroker.store.api;

/**
 * The stores of one result-store database, as its users see them: the ingress and the replay depend
 * on this, never on how the database is reached.
 */
public interface Stores {
    /** Jobs by tenant and id. */
    JobStore jobs();

    /** Tenants and API keys. */
    ApiKeyStore apiKeys();

    /** Tenants' admission limits. */
    TenantLimitStore tenantLimits();

    /** Idempotency-Key claims of job submissions. */
    IdempotencyStore idempotency();

    /** Webhook subscriptions, signing secrets and the delivery log. */
    WebhookStore webhooks();

    /** Every job's stored outcome, across tenants, for reconciliation. */
    ResultLedger ledger();
}
