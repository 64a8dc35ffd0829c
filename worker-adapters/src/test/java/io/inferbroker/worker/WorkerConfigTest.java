package io.inferbroker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
    private static final Price FREE = Price.free("USD");
    private static final TopicNames TOPICS = new TopicNames("test.");

    @Test
    void shouldDefaultIntervalsAndNameItsConsumerGroup() {
        WorkerConfig config = WorkerConfig.of("sim-1", List.of("sim-echo"), 8, FREE, TOPICS, "0.1.0");

        assertThat(config.statusInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.shutdownGrace()).isEqualTo(WorkerConfig.DEFAULT_SHUTDOWN_GRACE);
        assertThat(config.groupId()).isEqualTo("test.worker-sim-1");
    }

    @Test
    void shouldNameTheSettingAtFault() {
        assertThatThrownBy(() -> WorkerConfig.of(" ", List.of("m"), 1, FREE, TOPICS, "v"))
                .hasMessageContaining("worker id");
        assertThatThrownBy(() -> WorkerConfig.of("w", List.of(), 1, FREE, TOPICS, "v"))
                .hasMessageContaining("models");
        assertThatThrownBy(() -> WorkerConfig.of("w", List.of("m"), 0, FREE, TOPICS, "v"))
                .hasMessage("capacity must be >= 1, was 0 (worker w)");
        assertThatThrownBy(() -> WorkerConfig.of("w", List.of("m"), 1, FREE, TOPICS, ""))
                .hasMessageContaining("version");
        assertThatThrownBy(() ->
                        new WorkerConfig("w", List.of("m"), 1, FREE, Duration.ofMillis(10), TOPICS, "v", Duration.ZERO))
                .hasMessageContaining("status_interval");
        assertThatThrownBy(() -> new WorkerConfig(
                        "w", List.of("m"), 1, FREE, Duration.ofSeconds(1), TOPICS, "v", Duration.ofSeconds(-1)))
                .hasMessageContaining("shutdown_grace");
    }
}
