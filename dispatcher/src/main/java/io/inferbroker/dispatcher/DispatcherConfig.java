package io.inferbroker.dispatcher;

import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings of the dispatcher. Immutable and validated on construction; error messages name the
 * external setting. Start from {@link #defaults(String, TopicNames)} and adjust with the
 * {@code with...} methods.
 *
 * @param applicationId Kafka Streams application id: the consumer group, and the prefix of the
 *     internal repartition and changelog topics; every dispatcher instance of one deployment shares it
 * @param topics the deployment's topic names
 * @param models batching per model name; models not listed use {@code defaultBatching}
 * @param defaultBatching batching of models not listed in {@code models}
 * @param punctuateInterval how often (wall-clock) queues are checked for batches due and deadlines passed
 * @param numStreamThreads stream threads of this instance; one model's queue is served by one thread
 * @param workerLease how fresh a worker's status must be for the worker to receive work
 * @param dedupeRetention how long a finished job id is remembered, so a replayed request is ignored
 */
public record DispatcherConfig(
        String applicationId,
        TopicNames topics,
        Map<String, ModelBatching> models,
        ModelBatching defaultBatching,
        Duration punctuateInterval,
        int numStreamThreads,
        Duration workerLease,
        Duration dedupeRetention) {

    public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofMillis(5);
    public static final int DEFAULT_NUM_STREAM_THREADS = 1;
    public static final Duration DEFAULT_WORKER_LEASE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofDays(1);

    private static final Pattern LEGAL_ID = Pattern.compile("[a-zA-Z0-9._-]+");

    public DispatcherConfig {
        if (!LEGAL_ID.matcher(applicationId).matches()) {
            throw new IllegalArgumentException("BROKER_DISPATCHER_APPLICATION_ID may hold only letters, digits, "
                    + "'.', '_' and '-' and must not be empty, was '" + applicationId + "'");
        }
        for (String model : models.keySet()) {
            if (model.isBlank()) {
                throw new IllegalArgumentException("BROKER_MODELS holds a model with a blank name");
            }
        }
        requireBetween(
                "BROKER_DISPATCHER_PUNCTUATE_INTERVAL", punctuateInterval, Duration.ofMillis(1), Duration.ofSeconds(1));
        if (numStreamThreads < 1 || numStreamThreads > 64) {
            throw new IllegalArgumentException(
                    "BROKER_DISPATCHER_STREAM_THREADS must be between 1 and 64, was " + numStreamThreads);
        }
        requireBetween("BROKER_DISPATCHER_WORKER_LEASE", workerLease, Duration.ofMillis(100), Duration.ofHours(1));
        requireBetween(
                "BROKER_DISPATCHER_DEDUPE_RETENTION", dedupeRetention, Duration.ofMinutes(1), Duration.ofDays(365));
        models = Map.copyOf(models);
    }

    /** Defaults: no per-model settings, {@link ModelBatching#defaults()}, 5 ms ticks, one thread, 10 s lease, 1 day dedupe. */
    public static DispatcherConfig defaults(String applicationId, TopicNames topics) {
        return new DispatcherConfig(
                applicationId,
                topics,
                Map.of(),
                ModelBatching.defaults(),
                DEFAULT_PUNCTUATE_INTERVAL,
                DEFAULT_NUM_STREAM_THREADS,
                DEFAULT_WORKER_LEASE,
                DEFAULT_DEDUPE_RETENTION);
    }

    /** The batching of {@code model}: its own, or the default. */
    public ModelBatching batchingFor(String model) {
        return models.getOrDefault(model, defaultBatching);
    }

    public DispatcherConfig withModel(String model, ModelBatching batching) {
        Map<String, ModelBatching> copy = new HashMap<>(models);
        copy.put(model, batching);
        return new DispatcherConfig(
                applicationId,
                topics,
                copy,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention);
    }

    public DispatcherConfig withDefaultBatching(ModelBatching batching) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                batching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention);
    }

    public DispatcherConfig withPunctuateInterval(Duration interval) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                interval,
                numStreamThreads,
                workerLease,
                dedupeRetention);
    }

    public DispatcherConfig withNumStreamThreads(int threads) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                threads,
                workerLease,
                dedupeRetention);
    }

    public DispatcherConfig withWorkerLease(Duration lease) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                lease,
                dedupeRetention);
    }

    public DispatcherConfig withDedupeRetention(Duration retention) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                retention);
    }

    private static void requireBetween(String setting, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
