package io.inferbroker.schemas.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldReadDeltaSeconds() {
        assertThat(RetryAfter.parse("30", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(" 3 ", NOW)).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse("0", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("007", NOW)).contains(Duration.ofSeconds(7));
    }

    @Test
    void shouldReadAnHttpDateAsTheWaitFromNow() {
        assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:00:10 GMT", NOW)).contains(Duration.ofSeconds(10));
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 10:01:00 GMT", Instant.parse("2026-03-01T10:00:00Z")))
                .contains(Duration.ofMinutes(1));
        assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void shouldReadAnHttpDateInThePastAsZero() {
        assertThat(RetryAfter.parse("Wed, 31 Dec 2025 23:00:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("Mon, 01 Jan 1990 00:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void shouldIgnoreNegativeValues() {
        assertThat(RetryAfter.parse("-1", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-30", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-0", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-99999999999999999999", NOW)).isEmpty();
    }

    @Test
    void shouldIgnoreAbsentBlankAndUnreadableValues() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse("   ", NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("+5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("1.5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("5s", NOW)).isEmpty();
        assertThat(RetryAfter.parse("1 2", NOW)).isEmpty();
        assertThat(RetryAfter.parse("\u0661\u0662", NOW))
                .as("Arabic-Indic digits")
                .isEmpty();
        assertThat(RetryAfter.parse("Thu, 32 Jan 2026 00:00:10 GMT", NOW)).isEmpty();
        assertThat(RetryAfter.parse("2026-01-01T00:00:10Z", NOW)).isEmpty();
    }

    @Test
    void shouldReadAnOverlongDeltaAsTheCeilingSoThatAddingItCannotOverflow() {
        assertThat(RetryAfter.parse("99999999999999999999999", NOW)).contains(RetryAfter.CEILING);
        assertThat(RetryAfter.parse(Long.toString(Long.MAX_VALUE), NOW)).contains(RetryAfter.CEILING);
        assertThat(RetryAfter.parse("2147483648", NOW)).contains(RetryAfter.CEILING);
        assertThat(RetryAfter.parse("2147483647", NOW)).contains(Duration.ofSeconds(2_147_483_647L));
        assertThat(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", NOW)).contains(RetryAfter.CEILING);
        assertThat(NOW.plus(RetryAfter.parse("9".repeat(40), NOW).orElseThrow()))
                .isAfter(NOW);
    }
}
