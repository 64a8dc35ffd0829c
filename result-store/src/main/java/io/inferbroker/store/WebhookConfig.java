package io.inferbroker.store;

import io.inferbroker.store.api.AddressPolicy;
import java.time.Duration;
import java.util.List;

/**
 * How webhooks are delivered. Validated on construction; messages name the config key
 * ({@code webhooks.*}).
 *
 * @param schedule the pause before each retry: the n-th entry follows the n-th failed attempt, so a
 *     message gets {@code schedule.size() + 1} attempts before it is exhausted ({@code webhooks.schedule})
 * @param jitter each pause is scaled by a random factor in {@code [1 - jitter, 1 + jitter]}, 0 to 0.5
 *     ({@code webhooks.jitter})
 * @param timeout the whole of one attempt: connect, send, answer ({@code webhooks.timeout_ms})
 * @param allowList addresses ({@code 10.0.0.5}) or CIDR blocks ({@code 10.0.0.0/8}) that targets may
 *     resolve to even though they are private, loopback or link-local ({@code webhooks.allow_list})
 * @param batchSize most messages one dispatcher claims and sends at once ({@code webhooks.batch_size})
 * @param pollInterval how often an idle dispatcher looks for due messages ({@code webhooks.poll_interval_ms})
 */
public record WebhookConfig(
        List<Duration> schedule,
        double jitter,
        Duration timeout,
        List<String> allowList,
        int batchSize,
        Duration pollInterval) {

    /** About three days: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
    public static final List<Duration> DEFAULT_SCHEDULE = List.of(
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(14),
            Duration.ofHours(20),
            Duration.ofHours(24));

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    public WebhookConfig {
        schedule = List.copyOf(schedule);
        allowList = List.copyOf(allowList);
        for (Duration d : schedule) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("webhooks.schedule must hold durations >= 0, was " + d);
            }
        }
        if (!(jitter >= 0 && jitter <= 0.5)) {
            throw new IllegalArgumentException("webhooks.jitter must be between 0 and 0.5, was " + jitter);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(
                    "webhooks.timeout_ms must be between 1 and 300000, was " + timeout.toMillis());
        }
        for (String entry : allowList) {
            AddressPolicy.parseBlock(entry, "webhooks.allow_list");
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("webhooks.batch_size must be between 1 and 1000, was " + batchSize);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(
                    "webhooks.poll_interval_ms must be >= 1, was " + pollInterval.toMillis());
        }
    }

    /** The defaults: about three days of retries with 10 % jitter, 15 s per attempt, nothing allow-listed. */
    public static WebhookConfig defaults() {
        return new WebhookConfig(DEFAULT_SCHEDULE, 0.1, DEFAULT_TIMEOUT, List.of(), 32, Duration.ofMillis(500));
    }

    public WebhookConfig withSchedule(List<Duration> newSchedule) {
        return new WebhookConfig(newSchedule, jitter, timeout, allowList, batchSize, pollInterval);
    }

    public WebhookConfig withAllowList(List<String> newAllowList) {
        return new WebhookConfig(schedule, jitter, timeout, newAllowList, batchSize, pollInterval);
    }

    public WebhookConfig withTimeout(Duration newTimeout) {
        return new WebhookConfig(schedule, jitter, newTimeout, allowList, batchSize, pollInterval);
    }

    public WebhookConfig withPollInterval(Duration newPollInterval) {
        return new WebhookConfig(schedule, jitter, timeout, allowList, batchSize, newPollInterval);
    }

    /** Attempts a message gets before it is exhausted. */
    public int maxAttempts() {
        return schedule.size() + 1;
    }
}
