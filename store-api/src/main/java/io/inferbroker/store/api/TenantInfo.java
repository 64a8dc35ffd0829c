package io.inferbroker.store.api;

import java.time.Instant;

/** A tenant as the admin API shows it. */
public record TenantInfo(String id, String name, Instant createdAt) {}
