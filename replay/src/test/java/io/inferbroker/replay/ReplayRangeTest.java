package io.inferbroker.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayRangeTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void shouldReadRfc3339WithAnyOffset() {
        ReplayRange r = ReplayRange.parse("2026-11-24T10:00:00+02:00", "2026-11-25T00:00:00Z", NOW);

        assertThat(r.from()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
        assertThat(r.to()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
    }

    @Test
    void shouldReadRelativeTimesAsAgo() {
        assertThat(ReplayRange.parse("7d", "now", NOW)).isEqualTo(new ReplayRange(NOW.minus(Duration.ofDays(7)), NOW));
        assertThat(ReplayRange.instant("--from", "12h", NOW)).isEqualTo(NOW.minus(Duration.ofHours(12)));
        assertThat(ReplayRange.instant("--from", "30m", NOW)).isEqualTo(NOW.minus(Duration.ofMinutes(30)));
        assertThat(ReplayRange.instant("--from", "45s", NOW)).isEqualTo(NOW.minusSeconds(45));
    }

    @Test
    void shouldAcceptAnEmptyRangeButNotAnInvertedOne() {
        assertThat(ReplayRange.parse("now", "now", NOW).from()).isEqualTo(NOW);
        assertThatThrownBy(() -> ReplayRange.parse("1h", "2h", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--from")
                .hasMessageContaining("must not be after --to");
    }

    @Test
    void shouldNameTheOptionOfAnUnreadableTime() {
        assertThatThrownBy(() -> ReplayRange.parse("yesterday", "now", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--from")
                .hasMessageContaining("'yesterday'");
        assertThatThrownBy(() -> ReplayRange.parse("1d", "5w", NOW)).hasMessageContaining("--to");
    }
}
