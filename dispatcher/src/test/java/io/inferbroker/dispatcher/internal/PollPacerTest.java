package io.inferbroker.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PollPacerTest {
    private static final long NOW = 1_000_000L;
    private static final long ASKED = 5;

    private final PollPacer pacer = new PollPacer(Duration.ofSeconds(1));

    @Test
    void shouldPollAsAskedOnAThreadThatRunsNoTask() {
        assertThat(pacer.pollMillis(ASKED, NOW)).isEqualTo(ASKED);
    }

    @Test
    void shouldPollAsAskedWhileATaskWantsItsTickNow() {
        pacer.register().at(NOW + 500);
        pacer.register();

        assertThat(pacer.pollMillis(ASKED, NOW)).isEqualTo(ASKED);
    }

    @Test
    void shouldBlockUntilTheEarliestTickATaskNeeds() {
        pacer.register().at(NOW + 500);
        pacer.register().at(NOW + 300);

        assertThat(pacer.pollMillis(ASKED, NOW)).isEqualTo(300);
        assertThat(pacer.pollMillis(ASKED, NOW + 298))
                .as("never less than asked")
                .isEqualTo(ASKED);
        assertThat(pacer.pollMillis(ASKED, NOW + 300)).isEqualTo(ASKED);
    }

    @Test
    void shouldBlockAtMostTheIdleWait() {
        pacer.register().at(Long.MAX_VALUE);

        assertThat(pacer.pollMillis(ASKED, NOW)).isEqualTo(1000);
    }

    @Test
    void shouldKeepAPollThatAskedForNoWait() {
        pacer.register().at(NOW + 500);

        assertThat(pacer.pollMillis(0, NOW)).isZero();
    }

    @Test
    void shouldPollAsAskedWhileTheClientIsNotRunning() {
        AtomicBoolean running = new AtomicBoolean(false);
        pacer.onlyWhile(running::get);
        pacer.register().at(NOW + 500);

        assertThat(pacer.pollMillis(ASKED, NOW)).isEqualTo(ASKED);
        running.set(true);
        assertThat(pacer.pollMillis(ASKED, NOW)).isEqualTo(500);
    }

    @Test
    void shouldForgetAClosedTask() {
        PollPacer.Wake busy = pacer.register();
        pacer.register().at(NOW + 500);

        busy.close();

        assertThat(pacer.pollMillis(ASKED, NOW)).isEqualTo(500);
    }

    @Test
    void shouldSeeOnlyTheTasksOfTheCallingThread() throws Exception {
        pacer.register().at(NOW + 500);

        long elsewhere = CompletableFuture.supplyAsync(() -> {
                    pacer.register();
                    return pacer.pollMillis(ASKED, NOW);
                })
                .get();

        assertThat(elsewhere).isEqualTo(ASKED);
        assertThat(pacer.pollMillis(ASKED, NOW)).isEqualTo(500);
    }

    @Test
    void shouldLetTheGlobalThreadWaitForRecordsUpToTheIdleWait() {
        assertThat(pacer.forGlobalStore().pollMillis(ASKED, NOW)).isEqualTo(1000);
        assertThat(pacer.forGlobalStore().pollMillis(0, NOW)).isZero();
    }

    @Test
    void shouldNeverLengthenAPollWithoutAnIdleWait() {
        PollPacer off = new PollPacer(Duration.ZERO);
        off.register().at(NOW + 500);

        assertThat(off.pollMillis(ASKED, NOW)).isEqualTo(ASKED);
        assertThat(off.forGlobalStore().pollMillis(ASKED, NOW)).isEqualTo(ASKED);
    }
}
