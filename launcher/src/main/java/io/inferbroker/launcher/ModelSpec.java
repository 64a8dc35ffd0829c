package io.inferbroker.launcher;

import io.inferbroker.schemas.JobKind;

/**
 * A model the broker serves, from the {@code models} list of the config file.
 *
 * @param maxBatchSize most jobs the dispatcher puts in one batch for this model
 * @param maxQueueDelayMs longest a queued job waits for its batch to fill
 */
public record ModelSpec(String id, JobKind kind, String description, int maxBatchSize, long maxQueueDelayMs) {

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
        return m;
    }
}
