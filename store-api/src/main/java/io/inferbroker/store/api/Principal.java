package io.inferbroker.store.api;

/** Who an API key speaks for: its tenant, and the key itself (for audit and revocation). */
public record Principal(String tenantId, String keyId) {}
