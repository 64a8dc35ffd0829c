package io.inferbroker.ingress;

import io.inferbroker.schemas.JobKind;

/**
 * A model clients may ask for, as listed by {@code GET /v1/models}.
 *
 * @param kind what inputs it takes; {@link JobKind#CHAT} models also take completions
 * @param simulator true when the model is served by the built-in simulator, not a real model server
 */
public record ModelInfo(String id, String ownedBy, JobKind kind, boolean simulator, String description) {}
