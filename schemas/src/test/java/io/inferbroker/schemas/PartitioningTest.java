package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class PartitioningTest {
    @Test
    void shouldPickThePartitionKafkasDefaultPartitionerPicksForTheKey() {
        for (String key : List.of("sim-echo", "llama-8b", "Ä-model", "a", "gpt-4o-mini")) {
            for (int partitions : List.of(1, 3, 6, 32)) {
                assertThat(Partitioning.of(key, partitions))
                        .as("%s over %d partitions", key, partitions)
                        .isEqualTo(
                                BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    @Test
    void shouldRefuseATopicWithoutPartitions() {
        assertThatThrownBy(() -> Partitioning.of("m", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
