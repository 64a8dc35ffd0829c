package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.JobError;
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
    void shouldFoldAWholeLifecycleIntoItsLastStateWithEachStagesFirstTime() {
        EventRow row = EventRow.fold(List.of(
                        event(LifecycleType.DISPATCHED, 1, "w-1", 1),
                        event(LifecycleType.STARTED, 2, "w-1", 1),
                        event(LifecycleType.SUCCEEDED, 4, "w-2", 1)))
                .orElseThrow();

        assertThat(row.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(row.at()).isEqualTo(T0.plusSeconds(1));
        assertThat(row.dispatchedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(row.startedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(row.completedAt()).isEqualTo(T0.plusSeconds(4));
        assertThat(row.workerId()).isEqualTo("w-2");
        assertThat(row.attempt()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheFirstEventOfTheHighestRankWhateverArrivesLater() {
        LifecycleEvent failed = new LifecycleEvent(
                LifecycleEvent.VERSION,
                "a",
                "ten",
                WireFixtures.MODEL,
                LifecycleType.FAILED,
                T0.plusSeconds(4),
                "w-1",
                1,
                new JobError("worker_error", "it broke"));
        EventRow row = EventRow.fold(List.of(
                        failed, event(LifecycleType.STARTED, 2, "w-1", 1), event(LifecycleType.CANCELED, 5, "w-1", 1)))
                .orElseThrow();

        assertThat(row.status()).isEqualTo(JobStatus.FAILED);
        assertThat(row.error().code()).isEqualTo("worker_error");
        assertThat(row.at()).isEqualTo(T0.plusSeconds(2));
        assertThat(row.startedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(row.completedAt()).isEqualTo(T0.plusSeconds(4));
    }

    @Test
    void shouldNotFoldEventsOfSeveralAttemptsOrWithoutAWorker() {
        assertThat(EventRow.fold(
                        List.of(event(LifecycleType.STARTED, 2, "w-1", 1), event(LifecycleType.STARTED, 3, "w-2", 2))))
                .isEmpty();
        assertThat(EventRow.fold(List.of(
                        event(LifecycleType.DISPATCHED, 1, "w-1", 1), event(LifecycleType.EXPIRED, 3, null, 1))))
                .isEmpty();
    }

    private static LifecycleEvent event(LifecycleType type, int seconds, @Nullable String worker, int attempt) {
        return WireFixtures.event("a", "ten", type, Duration.ofSeconds(seconds), worker, attempt);
    }
}
