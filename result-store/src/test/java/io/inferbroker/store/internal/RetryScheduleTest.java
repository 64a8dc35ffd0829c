package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.store.WebhookConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void shouldSpreadTheDefaultScheduleOverAboutThreeDays() {
        Duration total = WebhookConfig.DEFAULT_SCHEDULE.stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(total).isBetween(Duration.ofHours(66), Duration.ofHours(84));
        assertThat(WebhookConfig.defaults().maxAttempts()).isEqualTo(10);
        assertThat(WebhookConfig.defaults().timeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void shouldFollowTheScheduleWithinTheJitterAndThenGiveUp() {
        var low = new RetrySchedule(WebhookConfig.DEFAULT_SCHEDULE, 0.1, () -> 0.0);
        var high = new RetrySchedule(WebhookConfig.DEFAULT_SCHEDULE, 0.1, () -> 0.999_999);

        assertThat(at(low.afterFailure(2, 10, Optional.empty(), NOW)))
                .isEqualTo(NOW.plus(Duration.ofMinutes(4).plusSeconds(30)));
        assertThat(at(high.afterFailure(2, 10, Optional.empty(), NOW)))
                .isBetween(NOW.plus(Duration.ofSeconds(329)), NOW.plus(Duration.ofSeconds(330)));
        assertThat(low.afterFailure(10, 10, Optional.empty(), NOW)).isInstanceOf(RetrySchedule.Verdict.Exhausted.class);
    }

    @Test
    void shouldHonourALongerRetryAfterButCapItAtADay() {
        var s = new RetrySchedule(WebhookConfig.DEFAULT_SCHEDULE, 0, () -> 0.5);
        assertThat(at(s.afterFailure(1, 10, Optional.of(Duration.ofMinutes(2)), NOW)))
                .isEqualTo(NOW.plusSeconds(120));
        assertThat(at(s.afterFailure(1, 10, Optional.of(Duration.ofSeconds(1)), NOW)))
                .isEqualTo(NOW.plusSeconds(5));
        assertThat(at(s.afterFailure(1, 10, Optional.of(Duration.ofDays(9)), NOW)))
                .isEqualTo(NOW.plus(Duration.ofDays(1)));
    }

    private static Instant at(RetrySchedule.Verdict v) {
        return ((RetrySchedule.Verdict.RetryAt) v).at();
    }
}
