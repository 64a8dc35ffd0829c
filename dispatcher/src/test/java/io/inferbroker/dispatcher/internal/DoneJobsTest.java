package io.inferbroker.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Done marks: remembered for exactly the retention, the latest one wins, found a little ahead of the clock. */
class DoneJobsTest {
    private static final Duration RETENTION = Duration.ofMinutes(10);
    /** Not a multiple of the retention: its window starts 3 minutes earlier. */
    private static final Instant T0 = Instant.parse("2030-01-01T00:03:00Z");

    private final TaskStores stores = TaskStores.create(RETENTION);
    private final DoneJobs done = new DoneJobs(stores.done(), RETENTION);

    @Test
    void shouldRememberAMarkForExactlyTheRetention() {
        done.remember("j1", DoneMark.finished("acme", T0));

        assertThat(done.latest("j1", T0)).isEqualTo(DoneMark.finished("acme", T0));
        assertThat(done.latest("j1", T0.plus(RETENTION).minusMillis(1)))
                .as("in the next window, just before the retention ends")
                .isNotNull();
        assertThat(done.latest("j1", T0.plus(RETENTION))).isNull();
        assertThat(done.latest("j2", T0)).isNull();
    }

    @Test
    void shouldFindTheLatestMarkOfAnIdInTheSameWindowAndAcrossWindows() {
        done.remember("j1", DoneMark.cancelRequested("acme", T0));
        done.remember("j1", DoneMark.finished("acme", T0.plusSeconds(1)));
        assertThat(done.latest("j1", T0.plusSeconds(2)).kind()).isEqualTo(DoneMark.Kind.FINISHED);

        done.remember("j2", DoneMark.cancelRequested("acme", T0));
        Instant nextWindow = T0.plus(Duration.ofMinutes(8)); // 00:11, in the window of 00:10
        done.remember("j2", DoneMark.finished("acme", nextWindow));
        assertThat(done.latest("j2", nextWindow).kind()).isEqualTo(DoneMark.Kind.FINISHED);
        assertThat(done.latest("j2", nextWindow.plus(RETENTION).minusMillis(1)))
                .as("the later mark counts from its own time")
                .isEqualTo(DoneMark.finished("acme", nextWindow));
    }

    @Test
    void shouldFindAMarkWrittenAheadOfTheClockInTheNextWindow() {
        Instant windowEnd = Instant.parse("2030-01-01T00:10:00Z");
        done.remember("j1", DoneMark.finished("acme", windowEnd.plusSeconds(5)));

        assertThat(done.latest("j1", windowEnd.minusSeconds(20)))
                .as("another instance's clock was 25 s ahead")
                .isNotNull();
    }

    @Test
    void shouldKeepWhatTheStoreNeedsForTheRetention() {
        assertThat(DoneJobs.storeRetention(RETENTION)).isEqualTo(RETENTION.multipliedBy(2));
    }

    @Test
    void shouldReadBackWhatItWritesAndRefuseWhatItDidNotWrite() {
        DoneMark mark = DoneMark.cancelRequested("tenant-ü", T0);
        byte[] bytes = DoneMark.SERDE.serializer().serialize("t", mark);

        assertThat(DoneMark.SERDE.deserializer().deserialize("t", bytes)).isEqualTo(mark);
        assertThat(bytes).as("kind, time, tenant").hasSize(1 + 8 + "tenant-ü".getBytes(StandardCharsets.UTF_8).length);
        assertThat(DoneMark.SERDE.serializer().serialize("t", null)).isNull();
        assertThat(DoneMark.SERDE.deserializer().deserialize("t", null)).isNull();
        assertThatThrownBy(() -> DoneMark.SERDE.deserializer().deserialize("t", new byte[] {'F', 0}))
                .isInstanceOf(SerializationException.class);
        bytes[0] = 'X';
        byte[] unknown = bytes;
        assertThatThrownBy(() -> DoneMark.SERDE.deserializer().deserialize("t", unknown))
                .isInstanceOf(SerializationException.class);
    }
}
