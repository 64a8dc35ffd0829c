package io.inferbroker.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void shouldCommitOnlyPastRecordsThatAreDoneWithEverythingBefore() {
        OffsetTracker.Entry first = tracker.track(10);
        OffsetTracker.Entry second = tracker.track(11);
        OffsetTracker.Entry third = tracker.track(13);

        third.done();
        assertThat(tracker.committable()).isEmpty();
        first.done();
        assertThat(tracker.committable()).isEqualTo(OptionalLong.of(11));
        assertThat(tracker.committable()).isEmpty();
        second.done();
        assertThat(tracker.committable()).isEqualTo(OptionalLong.of(14));
        assertThat(tracker.pending()).isZero();
    }

    @Test
    void shouldNeverCommitPastAFailedRecord() {
        tracker.track(0).done();
        OffsetTracker.Entry failed = tracker.track(1);
        tracker.track(2).done();

        failed.failed();

        assertThat(tracker.committable()).isEqualTo(OptionalLong.of(1));
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.settled()).isTrue();
        assertThat(tracker.pending()).isEqualTo(2);
    }

    @Test
    void shouldWakeAWaiterWhenTheLastRecordSettles() throws Exception {
        OffsetTracker.Entry entry = tracker.track(5);
        assertThat(tracker.awaitSettled(Duration.ofMillis(10))).isFalse();

        Thread.ofVirtual().start(entry::done);

        assertThat(tracker.awaitSettled(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void shouldRejectOffsetsOutOfOrder() {
        tracker.track(7);
        assertThatThrownBy(() -> tracker.track(7)).isInstanceOf(IllegalArgumentException.class);
    }
}
