package io.inferbroker.launcher;

import java.time.Duration;

/**
 * The dispatcher's own settings, from the {@code dispatcher.*} keys (models, routing and budgets have
 * their own lists).
 *
 * @param tick how often queues are checked for batches due and deadlines passed ({@code dispatcher.tick_ms})
 * @param streamThreads Kafka Streams threads of this process ({@code dispatcher.stream_threads})
 * @param workerLease how long a silent worker keeps its jobs before they are dispatched again
 *     ({@code dispatcher.worker_lease_ms})
 * @param dedupeRetention how long finished job ids are remembered against replays
 *     ({@code dispatcher.dedupe_retention_minutes})
 * @param maxAttempts dispatches of one job at most ({@code dispatcher.max_attempts})
 * @param priorityAging waiting this long is worth one priority level ({@code dispatcher.priority_aging_ms})
 * @param defaultMaxTokens output tokens assumed for jobs that name no max_tokens ({@code dispatcher.default_max_tokens})
 * @param breakerFailures failed results in a row that open a worker's breaker ({@code dispatcher.breaker_failures})
 * @param breakerOpen how long an open breaker keeps work away ({@code dispatcher.breaker_open_ms})
 * @param jobTimeout how long a dispatched job may go without a result ({@code dispatcher.job_timeout_ms})
 */
public record DispatcherSettings(
        Duration tick,
        int streamThreads,
        Duration workerLease,
        Duration dedupeRetention,
        int maxAttempts,
        Duration priorityAging,
        long defaultMaxTokens,
        int breakerFailures,
        Duration breakerOpen,
        Duration jobTimeout) {}
