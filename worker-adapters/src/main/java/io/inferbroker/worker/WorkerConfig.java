package io.inferbroker.worker;

import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of one worker. Validated on construction; a message names the setting at fault.
 *
 * @param workerId unique among the broker's workers; the key of its dispatch batches and status
 * @param models the models this worker serves; batches for other models fail their jobs
 * @param capacity most sequences the worker runs at once, across all batches
 * @param price what the worker charges; the currency of every cost it reports
 * @param statusInterval how often the worker publishes its status when nothing changes
 * @param topics topic names of the deployment
 * @param version the worker's software version, reported in its status
 * @param shutdownGrace how long {@link Worker#close()} lets running jobs finish
 * @param modelPrices prices of models this worker charges differently from {@code price}, by model
 */
public record WorkerConfig(
        String workerId,
        List<String> models,
        int capacity,
        Price price,
        Duration statusInterval,
        TopicNames topics,
        String version,
        Duration shutdownGrace,
        Map<String, Price> modelPrices) {

    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    static final Duration MIN_STATUS_INTERVAL = Duration.ofMillis(50);

    public WorkerConfig {
        if (workerId.isBlank()) {
            throw new IllegalArgumentException("worker id must not be blank");
        }
        String at = " (worker " + workerId + ")";
        models = List.copyOf(models);
        if (models.isEmpty() || models.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(
                    "models must list at least one model and no blank names, was " + models + at);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity + at);
        }
        if (statusInterval.compareTo(MIN_STATUS_INTERVAL) < 0) {
            throw new IllegalArgumentException(
                    "status_interval must be >= " + MIN_STATUS_INTERVAL.toMillis() + " ms, was " + statusInterval + at);
        }
        if (version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank" + at);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown_grace must be >= 0, was " + shutdownGrace + at);
        }
        modelPrices = Map.copyOf(modelPrices);
        for (String model : modelPrices.keySet()) {
            if (!models.contains(model)) {
                throw new IllegalArgumentException(
                        "model_prices names " + model + ", which is not one of its models " + models + at);
            }
        }
    }

    /** Settings where every model costs {@code price}. */
    public WorkerConfig(
            String workerId,
            List<String> models,
            int capacity,
            Price price,
            Duration statusInterval,
            TopicNames topics,
            String version,
            Duration shutdownGrace) {
        this(workerId, models, capacity, price, statusInterval, topics, version, shutdownGrace, Map.of());
    }

    /** Settings with the default status interval and shutdown grace. */
    public static WorkerConfig of(
            String workerId, List<String> models, int capacity, Price price, TopicNames topics, String version) {
        return new WorkerConfig(
                workerId, models, capacity, price, DEFAULT_STATUS_INTERVAL, topics, version, DEFAULT_SHUTDOWN_GRACE);
    }

    /** The consumer group whose committed offsets record how far this worker got. */
    public String groupId() {
        return topics.prefix() + "worker-" + workerId;
    }
}
