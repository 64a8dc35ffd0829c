package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitPreferenceTest {

    @Test
    void shouldDefaultToSixtySecondsForABareWaitPreference() {
        assertThat(WaitPreference.fromPrefer("wait")).contains(Duration.ofSeconds(60));
        assertThat(WaitPreference.fromPrefer("respond-async, Wait")).contains(Duration.ofSeconds(60));
    }

    @Test
    void shouldReadTheSecondsAmongOtherPreferences() {
        assertThat(WaitPreference.fromPrefer("wait=5")).contains(Duration.ofSeconds(5));
        assertThat(WaitPreference.fromPrefer("return=minimal, wait=\"12\"; x=y"))
                .contains(Duration.ofSeconds(12));
        assertThat(WaitPreference.fromPrefer("wait=300")).contains(Duration.ofSeconds(300));
    }

    @Test
    void shouldNotHoldWithoutAWaitPreferenceOrWithZero() {
        assertThat(WaitPreference.fromPrefer(null)).isEmpty();
        assertThat(WaitPreference.fromPrefer("return=minimal")).isEmpty();
        assertThat(WaitPreference.fromPrefer("wait=0")).isEmpty();
        assertThat(WaitPreference.fromQuery(null)).isEmpty();
        assertThat(WaitPreference.fromQuery("0")).isEmpty();
    }

    @Test
    void shouldRefuseBadWaitsNamingTheHeaderOrTheParameter() {
        assertThatThrownBy(() -> WaitPreference.fromPrefer("wait=soon"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().errors().getFirst().pointer()).isEqualTo("Prefer");
                });
        assertThatThrownBy(() -> WaitPreference.fromQuery("301")).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(422);
            assertThat(e.problem().errors().getFirst().pointer()).isEqualTo("?wait");
            assertThat(e.problem().errors().getFirst().detail()).contains("0 to 300");
        });
        assertThatThrownBy(() -> WaitPreference.fromQuery("-1")).isInstanceOf(ProblemException.class);
    }
}
