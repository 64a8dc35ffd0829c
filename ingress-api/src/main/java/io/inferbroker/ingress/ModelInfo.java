package io.inferbroker.ingress;

import io.inferbroker.schemas.JobKind;

/**
 * A model clients may ask for, as listed by {@code GET /v1/models}.
 *
 * @param kind what inputs it takes; {@link JobKind#CHAT} models also take completions
 * @param simulator true when the model is served by the built-in simulator, not a real model server
 * @param routingKey decides the requests topic partition of the model's jobs: the model itself, or the
 *     first (by name) of the models its fallback chains join it with, as the dispatcher groups them
 */
public record ModelInfo(
        String id, String ownedBy, JobKind kind, boolean simulator, String description, String routingKey) {

    /** A model that is its own routing group. */
    public ModelInfo(String id, String ownedBy, JobKind kind, boolean simulator, String description) {
        this(id, ownedBy, kind, simulator, description, id);
    }
}
