package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.TokenDelta;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamPositionTest {

    @Test
    void shouldReadTheEventIdsItGivesOut() {
        assertThat(StreamPosition.parse("7")).contains(new StreamPosition(1, 7));
        assertThat(StreamPosition.parse("2.3")).contains(new StreamPosition(2, 3));
        assertThat(new StreamPosition(1, 7).eventId()).isEqualTo("7");
        assertThat(new StreamPosition(2, 3).eventId()).isEqualTo("2.3");
    }

    @Test
    void shouldRefuseIdsItNeverGaveOut() {
        assertThat(StreamPosition.parse("seven")).isEmpty();
        assertThat(StreamPosition.parse("-1")).isEmpty();
        assertThat(StreamPosition.parse("0.4")).isEmpty();
        assertThat(StreamPosition.parse("1.2.3")).isEmpty();
    }

    @Test
    void shouldOrderTokensByAttemptThenSequence() {
        StreamPosition p = new StreamPosition(1, 5);

        assertThat(p.isBefore(delta(1, 5))).isFalse();
        assertThat(p.isBefore(delta(1, 6))).isTrue();
        assertThat(p.isBefore(delta(2, 1))).isTrue();
        assertThat(new StreamPosition(2, 1).isBefore(delta(1, 9))).isFalse();
    }

    @Test
    void shouldServeFromTheLogOnlyWhatItHoldsWithoutAGap() {
        TokenLog log = new TokenLog(3, false);
        for (int seq = 3; seq <= 6; seq++) {
            log.append(delta(1, seq));
        }

        // Holds 4..6 (3 fell out): a client after 3 or later is served, one after 2 is not.
        assertThat(log.after(new StreamPosition(1, 3)))
                .extracting(TokenDelta::seq)
                .containsExactly(4L, 5L, 6L);
        assertThat(log.after(new StreamPosition(1, 5)))
                .extracting(TokenDelta::seq)
                .containsExactly(6L);
        assertThat(log.after(new StreamPosition(1, 2))).isNull();
        assertThat(log.after(StreamPosition.START)).isNull();
    }

    @Test
    void shouldServeARerunFromItsFirstToken() {
        TokenLog log = new TokenLog(10, true);
        log.append(delta(2, 1));
        log.append(delta(2, 2));

        List<TokenDelta> after = log.after(new StreamPosition(1, 9));

        assertThat(after).extracting(TokenDelta::seq).containsExactly(1L, 2L);
    }

    @Test
    void shouldServeNothingFromAnEmptyLogOnlyWhenItWasThereBeforeTheFirstToken() {
        assertThat(new TokenLog(10, true).after(StreamPosition.START)).isEmpty();
        assertThat(new TokenLog(10, false).after(StreamPosition.START)).isNull();
    }

    private static TokenDelta delta(int attempt, long seq) {
        return new TokenDelta(TokenDelta.VERSION, "job-1", attempt, seq, 0, "t" + seq, Instant.EPOCH);
    }
}
