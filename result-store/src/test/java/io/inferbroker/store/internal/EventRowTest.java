package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.store.WireFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class EventRowTest {
    private static final Instant T0 = WireFixtures.ACCEPTED;

    @Test
    void shouldFoldALifecycleIntoItsLastStateWithEachStagesFirstTime() {
        EventRow row = EventRow.fold(List.of(
                        event(LifecycleType.QUEUED, 0, "w-0", 1),
                        event(LifecycleType.DISPATCHED, 1, "w-1", 1),
                        event(LifecycleType.STARTED, 2, "w-2", 1)))
                .orElseThrow();

        assertThat(row.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(row.at()).isEqualTo(T0);
        assertThat(row.dispatchedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(row.startedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(row.workerId()).isEqualTo("w-2");
        assertThat(row.attempt()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheFirstEventOfTheHighestRankWhateverArrivesLater() {
        EventRow row = EventRow.fold(List.of(
                        event(LifecycleType.STARTED, 3, "w-1", 1),
                        event(LifecycleType.DISPATCHED, 1, "w-1", 1),
                        event(LifecycleType.REQUEUED, 5, "w-1", 1)))
                .orElseThrow();

        assertThat(row.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(row.at()).isEqualTo(T0.plusSeconds(1));
        assertThat(row.dispatchedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(row.startedAt()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void shouldHaveNoRowForATerminalEvent() {
        assertThatThrownBy(() -> EventRow.of(event(LifecycleType.SUCCEEDED, 4, "w-1", 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotFoldEventsOfSeveralAttemptsOrWithoutAWorker() {
        assertThat(EventRow.fold(
                        List.of(event(LifecycleType.STARTED, 2, "w-1", 1), event(LifecycleType.STARTED, 3, "w-2", 2))))
                .isEmpty();
        assertThat(EventRow.fold(List.of(
                        event(LifecycleType.DISPATCHED, 1, "w-1", 1), event(LifecycleType.REQUEUED, 3, null, 1))))
                .isEmpty();
    }

    private static LifecycleEvent event(LifecycleType type, int seconds, @Nullable String worker, int attempt) {
        return WireFixtures.event("a", "ten", type, Duration.ofSeconds(seconds), worker, attempt);
    }
}
