package io.inferbroker.ingress.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Per-tenant token buckets (Bucket4j): one of requests per minute, one of estimated tokens per
 * minute, each refilled greedily (continuously) over a minute and starting full, so a tenant may
 * burst up to a minute's limit. A request is admitted only when both buckets can take it, and then
 * takes from both; a refused request takes nothing. When a tenant's limits change, its buckets keep
 * what they hold and a raised limit adds the difference at once (Bucket4j's additive inheritance).
 *
 * <p>Buckets live in this process: with N ingress instances behind a load balancer each enforces
 * the full limit on the requests it sees, so a tenant can get up to N times its limit when its
 * traffic is spread evenly. Divide the configured limits by N, or route each tenant to one
 * instance, where that matters. Thread-safe: one lock per tenant.
 */
final class TenantRatePolicy implements AdmissionPolicy {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final Function<String, RateLimits> limits;
    private final TimeMeter time;
    private final Cache<String, TenantBuckets> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(5)) // idle longer than the window: a new bucket is as full
            .maximumSize(100_000)
            .build();

    /**
     * @param limits the limits in force for a tenant (cached by the caller; asked on every request)
     * @param clock the time the buckets refill by
     */
    TenantRatePolicy(Function<String, RateLimits> limits, InstantSource clock) {
        this.limits = limits;
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    @Override
    public AdmissionVerdict admit(AdmissionRequest request) {
        RateLimits current = limits.apply(request.tenantId());
        if (current.equals(RateLimits.UNLIMITED)) {
            return AdmissionVerdict.Admit.unlimited();
        }
        TenantBuckets tenant = buckets.get(request.tenantId(), t -> new TenantBuckets(time));
        return tenant.admit(current, request.estimatedTokens());
    }

    /** One tenant's buckets; a null bucket is an unlimited one. */
    private static final class TenantBuckets {
        private final TimeMeter time;
        private @Nullable MinuteBucket requests;
        private @Nullable MinuteBucket tokens;

        TenantBuckets(TimeMeter time) {
            this.time = time;
        }

        synchronized AdmissionVerdict admit(RateLimits current, long estimatedTokens) {
            requests = MinuteBucket.reconfigured(requests, "rpm", null, current.requestsPerMinute(), time);
            tokens = MinuteBucket.reconfigured(tokens, "tpm", "tokens", current.tokensPerMinute(), time);
            if (tokens != null && estimatedTokens > tokens.limit()) {
                return tooLarge(estimatedTokens, tokens);
            }
            Duration requestWait = requests == null ? Duration.ZERO : requests.waitFor(1);
            Duration tokenWait = tokens == null ? Duration.ZERO : tokens.waitFor(estimatedTokens);
            if (requestWait.isPositive() || tokenWait.isPositive()) {
                return tokenWait.compareTo(requestWait) > 0
                        ? reject(AdmissionReason.TOKENS_PER_MINUTE, tokenWait, tokensDetail(estimatedTokens))
                        : reject(AdmissionReason.REQUESTS_PER_MINUTE, requestWait, requestsDetail());
            }
            if (requests != null) {
                requests.take(1);
            }
            if (tokens != null) {
                tokens.take(estimatedTokens);
            }
            return new AdmissionVerdict.Admit(quotas());
        }

        private AdmissionVerdict tooLarge(long estimatedTokens, MinuteBucket bucket) {
            String detail =
                    "this request's estimated " + estimatedTokens + " tokens exceed the tenant's whole limit of "
                            + bucket.limit() + " tokens per minute; shorten the prompt or lower max_tokens";
            return reject(AdmissionReason.TOKENS_PER_MINUTE, WINDOW, detail);
        }

        private String requestsDetail() {
            return "the tenant's limit of " + (requests == null ? 0 : requests.limit())
                    + " requests per minute is used up";
        }

        private String tokensDetail(long estimatedTokens) {
            MinuteBucket t = tokens;
            return t == null
                    ? ""
                    : "this request's estimated " + estimatedTokens + " tokens exceed the " + t.available()
                            + " left of the tenant's limit of " + t.limit() + " tokens per minute";
        }

        private AdmissionVerdict reject(AdmissionReason reason, Duration wait, String detail) {
            String limit = reason == AdmissionReason.TOKENS_PER_MINUTE ? "tokens_per_minute" : "requests_per_minute";
            return new AdmissionVerdict.Reject(429, reason, wait, detail, Map.of("limit", limit), quotas());
        }

        private List<Quota> quotas() {
            List<Quota> quotas = new ArrayList<>(2);
            if (requests != null) {
                quotas.add(requests.quota());
            }
            if (tokens != null) {
                quotas.add(tokens.quota());
            }
            return quotas;
        }
    }
}
