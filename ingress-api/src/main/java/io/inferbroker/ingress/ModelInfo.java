package io.inferbroker.ingress;

import io.inferbroker.schemas.JobKind;
import java.util.List;

/**
 * A model clients may ask for, as listed by {@code GET /v1/models}.
 *
 * @param kind what inputs it takes; {@link JobKind#CHAT} models also take completions
 * @param simulator true when the model is served by the built-in simulator, not a real model server
 * @param fallback the models its jobs may run on when its own workers cannot take them, as the
 *     dispatcher is configured; with the other models' chains they decide the requests topic partition
 *     of its jobs ({@link io.inferbroker.schemas.Partitioning})
 */
public record ModelInfo(
        String id, String ownedBy, JobKind kind, boolean simulator, String description, List<String> fallback) {
    public ModelInfo {
        fallback = List.copyOf(fallback);
    }

    /** A model without fallback. */
    public ModelInfo(String id, String ownedBy, JobKind kind, boolean simulator, String description) {
        this(id, ownedBy, kind, simulator, description, List.of());
    }
}
