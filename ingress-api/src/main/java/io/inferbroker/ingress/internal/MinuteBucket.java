package io.inferbroker.ingress.internal;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One Bucket4j bucket of {@code limit} units per minute, refilled greedily and starting full, under
 * a policy name for the RateLimit headers. Not thread-safe: its owner locks.
 */
final class MinuteBucket {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final String policy;
    private final @Nullable String unit;
    private final Bucket bucket;
    private long limit;

    private MinuteBucket(String policy, @Nullable String unit, long limit, TimeMeter time) {
        this.policy = policy;
        this.unit = unit;
        this.limit = limit;
        this.bucket = Bucket.builder()
                .addLimit(bandwidth(limit))
                .withCustomTimePrecision(time)
                .build();
    }

    /**
     * The bucket for {@code limit}: {@code current} when it already has that limit, {@code current}
     * reconfigured (keeping its tokens, adding a raise at once) when the limit changed, a new full
     * bucket when there was none, and null when the limit is 0 (unlimited).
     */
    static @Nullable MinuteBucket reconfigured(
            @Nullable MinuteBucket current, String policy, @Nullable String unit, long limit, TimeMeter time) {
        if (limit == 0) {
            return null;
        }
        if (current == null) {
            return new MinuteBucket(policy, unit, limit, time);
        }
        if (current.limit != limit) {
            current.bucket.replaceConfiguration(
                    BucketConfiguration.builder().addLimit(bandwidth(limit)).build(),
                    TokensInheritanceStrategy.ADDITIVE);
            current.limit = limit;
        }
        return current;
    }

    private static Bandwidth bandwidth(long limit) {
        return Bandwidth.builder().capacity(limit).refillGreedy(limit, WINDOW).build();
    }

    long limit() {
        return limit;
    }

    long available() {
        return Math.max(0, bucket.getAvailableTokens());
    }

    /** How long until {@code units} are available; zero when they are now. {@code units} must not exceed the limit. */
    Duration waitFor(long units) {
        if (units == 0) {
            return Duration.ZERO;
        }
        var probe = bucket.estimateAbilityToConsume(units);
        return probe.canBeConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    void take(long units) {
        if (units > 0) {
            bucket.tryConsume(units);
        }
    }

    /** The state for the RateLimit headers. */
    Quota quota() {
        long remaining = available();
        Duration untilMore = remaining >= limit ? Duration.ZERO : waitFor(remaining + 1);
        return new Quota(policy, limit, WINDOW, remaining, untilMore, unit);
    }
}
