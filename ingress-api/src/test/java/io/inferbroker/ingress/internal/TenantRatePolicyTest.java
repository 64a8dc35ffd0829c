package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantRatePolicyTest {
    private static final String MODEL = "sim-echo";

    private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final Map<String, RateLimits> limits = new HashMap<>();
    private final TenantRatePolicy policy =
            new TenantRatePolicy(t -> limits.getOrDefault(t, RateLimits.UNLIMITED), clock);

    @Test
    void shouldAdmitUpToTheRequestLimitThenRejectWithRetryAfterAndHeaders() {
        limits.put("a", new RateLimits(3, 0));
        for (int i = 0; i < 3; i++) {
            assertThat(admit("a", 10)).isInstanceOf(AdmissionVerdict.Admit.class);
        }

        AdmissionVerdict.Reject reject = rejected(admit("a", 10));

        assertThat(reject.status()).isEqualTo(429);
        assertThat(reject.reason()).isEqualTo(AdmissionReason.REQUESTS_PER_MINUTE);
        assertThat(reject.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(reject.detail()).contains("3 requests per minute");
        assertThat(reject.headers())
                .containsEntry("Retry-After", "20")
                .containsEntry("RateLimit-Policy", "\"rpm\";q=3;w=60")
                .containsEntry("RateLimit", "\"rpm\";r=0;t=20");
    }

    @Test
    void shouldRefillContinuouslyOverTheMinute() {
        limits.put("a", new RateLimits(3, 0));
        for (int i = 0; i < 3; i++) {
            admit("a", 1);
        }

        clock.advance(Duration.ofSeconds(20));
        assertThat(admit("a", 1)).isInstanceOf(AdmissionVerdict.Admit.class);
        clock.advance(Duration.ofSeconds(15));
        assertThat(rejected(admit("a", 1)).retryAfter()).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        assertThat(admit("a", 1)).isInstanceOf(AdmissionVerdict.Admit.class);
    }

    @Test
    void shouldRoundRetryAfterUpToWholeSeconds() {
        limits.put("a", new RateLimits(7, 0));
        for (int i = 0; i < 7; i++) {
            admit("a", 1);
        }

        AdmissionVerdict.Reject reject = rejected(admit("a", 1));

        assertThat(reject.retryAfter()).isBetween(Duration.ofMillis(8_571), Duration.ofMillis(8_572));
        assertThat(reject.retryAfterSeconds()).isEqualTo(9);
    }

    @Test
    void shouldRejectOnTokensWhenTheEstimateExceedsWhatRemainsWithoutChargingTheRequest() {
        limits.put("a", new RateLimits(10, 1000));
        assertThat(admit("a", 600)).isInstanceOf(AdmissionVerdict.Admit.class);

        AdmissionVerdict.Reject reject = rejected(admit("a", 600));

        assertThat(reject.reason()).isEqualTo(AdmissionReason.TOKENS_PER_MINUTE);
        assertThat(reject.retryAfter()).isEqualTo(Duration.ofSeconds(12)); // 200 tokens at 1000 a minute
        assertThat(reject.context()).containsEntry("limit", "tokens_per_minute");
        assertThat(reject.detail()).contains("600 tokens", "400 left", "1000 tokens per minute");
        assertThat(reject.headers().get("RateLimit")).isEqualTo("\"rpm\";r=9;t=6, \"tpm\";r=400;t=1");
        assertThat(reject.headers().get("RateLimit-Policy"))
                .isEqualTo("\"rpm\";q=10;w=60, \"tpm\";q=1000;w=60;ib-unit=\"tokens\"");
        assertThat(admit("a", 400)).isInstanceOf(AdmissionVerdict.Admit.class);
    }

    @Test
    void shouldRejectARequestLargerThanTheWholeTokenLimit() {
        limits.put("a", new RateLimits(0, 100));

        AdmissionVerdict.Reject reject = rejected(admit("a", 101));

        assertThat(reject.reason()).isEqualTo(AdmissionReason.TOKENS_PER_MINUTE);
        assertThat(reject.detail()).contains("whole limit of 100 tokens per minute");
        assertThat(reject.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(admit("a", 100)).isInstanceOf(AdmissionVerdict.Admit.class);
    }

    @Test
    void shouldReportTheLongerWaitWhenBothLimitsAreShort() {
        limits.put("a", new RateLimits(1, 60));
        admit("a", 60);

        AdmissionVerdict.Reject reject = rejected(admit("a", 60));

        assertThat(reject.reason()).isEqualTo(AdmissionReason.REQUESTS_PER_MINUTE);
        assertThat(reject.retryAfter()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldKeepTenantsApart() {
        limits.put("a", new RateLimits(1, 0));
        limits.put("b", new RateLimits(1, 0));
        admit("a", 1);

        assertThat(admit("a", 1)).isInstanceOf(AdmissionVerdict.Reject.class);
        assertThat(admit("b", 1)).isInstanceOf(AdmissionVerdict.Admit.class);
    }

    @Test
    void shouldGiveARaisedLimitAtOnceAndKeepWhatALoweredOneHolds() {
        limits.put("a", new RateLimits(2, 0));
        admit("a", 1);
        admit("a", 1);
        assertThat(admit("a", 1)).isInstanceOf(AdmissionVerdict.Reject.class);

        limits.put("a", new RateLimits(10, 0));
        AdmissionVerdict raised = admit("a", 1);

        assertThat(raised).isInstanceOf(AdmissionVerdict.Admit.class);
        assertThat(raised.quotas().getFirst().remaining()).isEqualTo(7);
        limits.put("a", new RateLimits(3, 0));
        assertThat(admit("a", 1).quotas().getFirst().remaining()).isLessThanOrEqualTo(2);
    }

    @Test
    void shouldAdmitWithoutQuotasWhenUnlimited() {
        AdmissionVerdict verdict = admit("free", 1_000_000);

        assertThat(verdict).isInstanceOf(AdmissionVerdict.Admit.class);
        assertThat(verdict.headers()).isEmpty();
    }

    private AdmissionVerdict admit(String tenant, long tokens) {
        return policy.admit(new AdmissionRequest(tenant, MODEL, tokens));
    }

    private static AdmissionVerdict.Reject rejected(AdmissionVerdict verdict) {
        assertThat(verdict).isInstanceOf(AdmissionVerdict.Reject.class);
        return (AdmissionVerdict.Reject) verdict;
    }
}
