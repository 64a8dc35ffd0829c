package io.inferbroker.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void shouldBackOffExponentiallyUpToTheMaximum() {
        assertThat(policy.afterFailure(1, true, Optional.empty()))
                .isEqualTo(new RetryPolicy.Verdict.Retry(Duration.ofMillis(100)));
        assertThat(policy.afterFailure(2, true, Optional.empty()))
                .isEqualTo(new RetryPolicy.Verdict.Retry(Duration.ofMillis(200)));
        assertThat(policy.afterFailure(3, true, Optional.empty()))
                .isEqualTo(new RetryPolicy.Verdict.Retry(Duration.ofMillis(400)));
        assertThat(new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1))
                        .afterFailure(8, true, Optional.empty()))
                .isEqualTo(new RetryPolicy.Verdict.Retry(Duration.ofSeconds(1)));
    }

    @Test
    void shouldWaitAtLeastWhatTheServerAskedAndGiveUpWhenItAsksTooMuch() {
        assertThat(policy.afterFailure(1, true, Optional.of(Duration.ofMillis(700))))
                .isEqualTo(new RetryPolicy.Verdict.Retry(Duration.ofMillis(700)));
        assertThat(policy.afterFailure(1, true, Optional.of(Duration.ofSeconds(5))))
                .isInstanceOf(RetryPolicy.Verdict.GiveUp.class);
    }

    @Test
    void shouldGiveUpOnFinalFailuresAndAfterTheLastAttempt() {
        assertThat(policy.afterFailure(1, false, Optional.empty())).isInstanceOf(RetryPolicy.Verdict.GiveUp.class);
        assertThat(policy.afterFailure(4, true, Optional.empty())).isInstanceOf(RetryPolicy.Verdict.GiveUp.class);
        assertThat(RetryPolicy.retryableStatus(429)).isTrue();
        assertThat(RetryPolicy.retryableStatus(503)).isTrue();
        assertThat(RetryPolicy.retryableStatus(400)).isFalse();
        assertThat(RetryPolicy.retryableStatus(404)).isFalse();
    }

    @Test
    void shouldNameTheUpstreamErrorWithTheServersOwnMessage() {
        assertThat(UpstreamCall.errorFor(400, "{\"error\":{\"message\":\"bad max_tokens\"}}"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo("upstream_rejected");
                    assertThat(e.message()).isEqualTo("the model server answered 400: bad max_tokens");
                });
        assertThat(UpstreamCall.errorFor(500, "{\"error\":\"tensor mismatch\"}").message())
                .endsWith("tensor mismatch");
        assertThat(UpstreamCall.errorFor(502, "<html>bad gateway</html>").code())
                .isEqualTo("upstream_error");
        assertThat(UpstreamCall.errorFor(429, "").code()).isEqualTo("upstream_rate_limited");
    }
}
