package io.inferbroker.dispatcher;

import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
 * @param punctuateInterval how often (wall-clock) queues are checked for batches due and deadlines passed,
 *     while jobs are queued
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
 * @param jobTimeout how long a dispatched job may go without a result before it counts as lost on its
 *     worker: the worker is told to cancel it and it is dispatched again (or ends failed after
 *     {@code maxAttempts}); longer than any job may run. Covers a batch recorded as sent but never
 *     delivered (a crash between the two) and a worker that keeps reporting but drops a job.
 * @param idlePoll the longest a stream thread blocks waiting for records while none of its tasks has
 *     work coming due (no job queued; the next lease check, queue status or breaker change later): records
 *     still end the wait when they arrive, and while jobs are queued the thread ticks every
 *     {@code punctuateInterval}; zero makes it tick that often always
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
        long defaultMaxTokens,
        Duration jobTimeout,
        Duration idlePoll) {

    public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofMillis(5);
    public static final int DEFAULT_NUM_STREAM_THREADS = 1;
    public static final Duration DEFAULT_WORKER_LEASE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofDays(1);
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_PRIORITY_AGING = Duration.ofSeconds(1);
    public static final long DEFAULT_MAX_TOKENS = 256;
    public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_IDLE_POLL = Duration.ofSeconds(1);

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
        requireBetween("BROKER_DISPATCHER_JOB_TIMEOUT", jobTimeout, Duration.ofMillis(1), Duration.ofDays(1));
        requireBetween("the dispatcher's idle poll", idlePoll, Duration.ZERO, Duration.ofMinutes(1));
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
     * level, {@link CircuitBreakerSettings#defaults()}, 256 output tokens assumed, 30 min job timeout,
     * idle polls of up to 1 s.
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
                DEFAULT_MAX_TOKENS,
                DEFAULT_JOB_TIMEOUT,
                DEFAULT_IDLE_POLL);
    }

    /** The batching of {@code model}: its own, or the default. */
    public ModelBatching batchingFor(String model) {
        return models.getOrDefault(model, defaultBatching);
    }

    /** The routing of {@code model}: its own, or the default. */
    /** Where each model's records go: the routing keys of the groups the fallback chains form. */
    public Partitioning partitioning() {
        Map<String, List<String>> fallbacks = new HashMap<>();
        routing.forEach((model, r) -> fallbacks.put(model, r.fallback()));
        return Partitioning.ofFallbacks(fallbacks);
    }

    public ModelRouting routingFor(String model) {
        return routing.getOrDefault(model, defaultRouting);
    }

    public DispatcherConfig withModel(String model, ModelBatching batching) {
        Map<String, ModelBatching> copy = new HashMap<>(models);
        copy.put(model, batching);
        Copy c = new Copy(this);
        c.models = copy;
        return c.build();
    }

    public DispatcherConfig withRouting(String model, ModelRouting modelRouting) {
        Map<String, ModelRouting> copy = new HashMap<>(routing);
        copy.put(model, modelRouting);
        Copy c = new Copy(this);
        c.routing = copy;
        return c.build();
    }

    public DispatcherConfig withBudget(String tenantId, TenantBudget budget) {
        Map<String, TenantBudget> copy = new HashMap<>(budgets);
        copy.put(tenantId, budget);
        return withBudgets(copy);
    }

    public DispatcherConfig withPunctuateInterval(Duration value) {
        Copy c = new Copy(this);
        c.punctuateInterval = value;
        return c.build();
    }

    public DispatcherConfig withNumStreamThreads(int value) {
        Copy c = new Copy(this);
        c.numStreamThreads = value;
        return c.build();
    }

    public DispatcherConfig withWorkerLease(Duration value) {
        Copy c = new Copy(this);
        c.workerLease = value;
        return c.build();
    }

    public DispatcherConfig withDedupeRetention(Duration value) {
        Copy c = new Copy(this);
        c.dedupeRetention = value;
        return c.build();
    }

    public DispatcherConfig withDefaultBatching(ModelBatching value) {
        Copy c = new Copy(this);
        c.defaultBatching = value;
        return c.build();
    }

    public DispatcherConfig withDefaultRouting(ModelRouting value) {
        Copy c = new Copy(this);
        c.defaultRouting = value;
        return c.build();
    }

    public DispatcherConfig withMaxAttempts(int value) {
        Copy c = new Copy(this);
        c.maxAttempts = value;
        return c.build();
    }

    public DispatcherConfig withPriorityAging(Duration value) {
        Copy c = new Copy(this);
        c.priorityAging = value;
        return c.build();
    }

    public DispatcherConfig withBreaker(CircuitBreakerSettings value) {
        Copy c = new Copy(this);
        c.breaker = value;
        return c.build();
    }

    public DispatcherConfig withDefaultMaxTokens(long value) {
        Copy c = new Copy(this);
        c.defaultMaxTokens = value;
        return c.build();
    }

    public DispatcherConfig withJobTimeout(Duration value) {
        Copy c = new Copy(this);
        c.jobTimeout = value;
        return c.build();
    }

    public DispatcherConfig withIdlePoll(Duration value) {
        Copy c = new Copy(this);
        c.idlePoll = value;
        return c.build();
    }

    public DispatcherConfig withBudgets(Map<String, TenantBudget> value) {
        Copy c = new Copy(this);
        c.budgets = value;
        return c.build();
    }

    private static void requireBetween(String setting, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** A mutable copy of every setting, so each {@code with...} method names only what it changes. */
    private static final class Copy {
        private String applicationId;
        private TopicNames topics;
        private Map<String, ModelBatching> models;
        private ModelBatching defaultBatching;
        private Duration punctuateInterval;
        private int numStreamThreads;
        private Duration workerLease;
        private Duration dedupeRetention;
        private Map<String, ModelRouting> routing;
        private ModelRouting defaultRouting;
        private Map<String, TenantBudget> budgets;
        private int maxAttempts;
        private Duration priorityAging;
        private CircuitBreakerSettings breaker;
        private long defaultMaxTokens;
        private Duration jobTimeout;
        private Duration idlePoll;

        Copy(DispatcherConfig c) {
            applicationId = c.applicationId;
            topics = c.topics;
            models = c.models;
            defaultBatching = c.defaultBatching;
            punctuateInterval = c.punctuateInterval;
            numStreamThreads = c.numStreamThreads;
            workerLease = c.workerLease;
            dedupeRetention = c.dedupeRetention;
            routing = c.routing;
            defaultRouting = c.defaultRouting;
            budgets = c.budgets;
            maxAttempts = c.maxAttempts;
            priorityAging = c.priorityAging;
            breaker = c.breaker;
            defaultMaxTokens = c.defaultMaxTokens;
            jobTimeout = c.jobTimeout;
            idlePoll = c.idlePoll;
        }

        DispatcherConfig build() {
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
                    defaultMaxTokens,
                    jobTimeout,
                    idlePoll);
        }
    }
}
