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
 * @param workerLease how fresh a worker's status must be for the worker to receive work; a worker
 *     silent for longer has its outstanding jobs dispatched again
 * @param dedupeRetention how long a finished job id is remembered, so a replayed request is ignored
 * @param routing routing per model name; models not listed use {@code defaultRouting}
 * @param defaultRouting routing of models not listed in {@code routing}
 * @param budgets spending limits by tenant id; tenants not listed have none
 * @param maxAttempts how often a job is dispatched at most; a job whose last attempt was lost ends failed
 * @param priorityAging waiting this long makes a job as urgent as one a priority level higher, so
 *     low-priority work is delayed, never starved
 * @param breaker the per-worker circuit breaker
 * @param defaultMaxTokens output tokens assumed for a job whose input names no {@code max_tokens}
 *     (budget estimates, deadline checks)
 */
public record DispatcherConfig(
        String applicationId,
        TopicNames topics,
        Map<String, ModelBatching> models,
        ModelBatching defaultBatching,
        Duration punctuateInterval,
        int numStreamThreads,
        Duration workerLease,
        Duration dedupeRetention,
        Map<String, ModelRouting> routing,
        ModelRouting defaultRouting,
        Map<String, TenantBudget> budgets,
        int maxAttempts,
        Duration priorityAging,
        CircuitBreakerSettings breaker,
        long defaultMaxTokens) {

    public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofMillis(5);
    public static final int DEFAULT_NUM_STREAM_THREADS = 1;
    public static final Duration DEFAULT_WORKER_LEASE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofDays(1);
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_PRIORITY_AGING = Duration.ofSeconds(1);
    public static final long DEFAULT_MAX_TOKENS = 256;

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
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException(
                    "BROKER_DISPATCHER_MAX_ATTEMPTS must be between 1 and 100, was " + maxAttempts);
        }
        requireBetween("BROKER_DISPATCHER_PRIORITY_AGING", priorityAging, Duration.ofMillis(1), Duration.ofHours(1));
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException(
                    "BROKER_DISPATCHER_DEFAULT_MAX_TOKENS must be >= 1, was " + defaultMaxTokens);
        }
        if (!defaultRouting.fallback().isEmpty()) {
            throw new IllegalArgumentException("the default routing cannot have a fallback; give it per model");
        }
        routing.forEach((model, r) -> {
            if (r.fallback().contains(model)) {
                throw new IllegalArgumentException("models[" + model + "].fallback names the model itself");
            }
        });
        for (String tenant : budgets.keySet()) {
            if (tenant.isBlank()) {
                throw new IllegalArgumentException("budgets holds a blank tenant id");
            }
        }
        models = Map.copyOf(models);
        routing = Map.copyOf(routing);
        budgets = Map.copyOf(budgets);
    }

    /**
     * Defaults: no per-model settings, {@link ModelBatching#defaults()}, {@link ModelRouting#defaults()},
     * 5 ms ticks, one thread, 10 s lease, 1 day dedupe, no budgets, 3 attempts, 1 s aging per priority
     * level, {@link CircuitBreakerSettings#defaults()}, 256 output tokens assumed.
     */
    public static DispatcherConfig defaults(String applicationId, TopicNames topics) {
        return new DispatcherConfig(
                applicationId,
                topics,
                Map.of(),
                ModelBatching.defaults(),
                DEFAULT_PUNCTUATE_INTERVAL,
                DEFAULT_NUM_STREAM_THREADS,
                DEFAULT_WORKER_LEASE,
                DEFAULT_DEDUPE_RETENTION,
                Map.of(),
                ModelRouting.defaults(),
                Map.of(),
                DEFAULT_MAX_ATTEMPTS,
                DEFAULT_PRIORITY_AGING,
                CircuitBreakerSettings.defaults(),
                DEFAULT_MAX_TOKENS);
    }

    /** The batching of {@code model}: its own, or the default. */
    public ModelBatching batchingFor(String model) {
        return models.getOrDefault(model, defaultBatching);
    }

    /** The routing of {@code model}: its own, or the default. */
    public ModelRouting routingFor(String model) {
        return routing.getOrDefault(model, defaultRouting);
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
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withRouting(String model, ModelRouting modelRouting) {
        Map<String, ModelRouting> copy = new HashMap<>(routing);
        copy.put(model, modelRouting);
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                copy,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withBudget(String tenantId, TenantBudget budget) {
        Map<String, TenantBudget> copy = new HashMap<>(budgets);
        copy.put(tenantId, budget);
        return withBudgets(copy);
    }

    public DispatcherConfig withPunctuateInterval(Duration value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                value,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withNumStreamThreads(int value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                value,
                workerLease,
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withWorkerLease(Duration value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                value,
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withDedupeRetention(Duration value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                value,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withDefaultBatching(ModelBatching value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                value,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withDefaultRouting(ModelRouting value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                routing,
                value,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withMaxAttempts(int value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                value,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withPriorityAging(Duration value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                value,
                breaker,
                defaultMaxTokens);
    }

    public DispatcherConfig withBreaker(CircuitBreakerSettings value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                value,
                defaultMaxTokens);
    }

    public DispatcherConfig withDefaultMaxTokens(long value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                routing,
                defaultRouting,
                budgets,
                maxAttempts,
                priorityAging,
                breaker,
                value);
    }

    public DispatcherConfig withBudgets(Map<String, TenantBudget> value) {
        return new DispatcherConfig(
                applicationId,
                topics,
                models,
                defaultBatching,
                punctuateInterval,
                numStreamThreads,
                workerLease,
                dedupeRetention,
                routing,
                defaultRouting,
                value,
                maxAttempts,
                priorityAging,
                breaker,
                defaultMaxTokens);
    }

    private static void requireBetween(String setting, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
