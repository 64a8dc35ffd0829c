package io.inferbroker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondBrokerOnTheSameDataDirectoryNamingTheHolder() {
        try (DataDirectoryLock held = DataDirectoryLock.acquire(dir, Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> DataDirectoryLock.acquire(dir, Duration.ofMillis(200)))
                    .isInstanceOf(EmbeddedStartException.class)
                    .hasMessageContaining("in use by another broker")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining(dir.toString());
        }
    }

    @Test
    void shouldHandTheDirectoryOverOnceItsHolderReleasesIt() throws Exception {
        DataDirectoryLock first = DataDirectoryLock.acquire(dir, Duration.ofSeconds(1));
        first.close();
        try (DataDirectoryLock second = DataDirectoryLock.acquire(dir, Duration.ofSeconds(1))) {
            assertThat(Files.readString(dir.resolve(DataDirectoryLock.FILE)))
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
        first.close();
    }
}
