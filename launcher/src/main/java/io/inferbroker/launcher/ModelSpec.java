package io.inferbroker.launcher;

import io.inferbroker.schemas.JobKind;

/**
 * A model the broker serves, from the {@code models} list of the config file.
 *
 * @param maxBatchSize most jobs the dispatcher puts in one batch for this model
 * @param maxQueueDelayMs longest a queued job waits for its batch to fill
 * @param maxQueued queue depth at which the ingress sheds submits for this model with 503; 0 = unlimited
 */
public record ModelSpec(
        String id, JobKind kind, String description, int maxBatchSize, long maxQueueDelayMs, int maxQueued) {

    static ModelSpec validated(ModelSpec m, int index) {
        String at = "models[" + index + "]";
        if (m.id() == null || m.id().isBlank()) {
            throw new ConfigException(at + ".id is required");
        }
        if (m.maxBatchSize() < 1) {
            throw new ConfigException(at + ".max_batch_size must be >= 1, was " + m.maxBatchSize());
        }
        if (m.maxQueueDelayMs() < 0) {
            throw new ConfigException(at + ".max_queue_delay_ms must be >= 0, was " + m.maxQueueDelayMs());
        }
        if (m.maxQueued() < 0) {
            throw new ConfigException(at + ".max_queued must be >= 0 (0 = unlimited), was " + m.maxQueued());
        }
        return m;
    }
}
