package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    void shouldGiveEveryModelOfAFallbackGroupTheSmallestNameAsItsKey() {
        // a -> c and d -> c join a, c and d; b -> e is another group; z is named nowhere.
        Partitioning p = Partitioning.ofFallbacks(Map.of("d", List.of("c"), "a", List.of("c"), "e", List.of("b")));

        assertThat(List.of("a", "c", "d").stream().map(p::routingKey)).containsOnly("a");
        assertThat(List.of("b", "e").stream().map(p::routingKey)).containsOnly("b");
        assertThat(p.routingKey("z")).isEqualTo("z");
        assertThat(Partitioning.ownKeys().routingKey("d")).isEqualTo("d");
    }

    @Test
    void shouldNotDependOnTheOrderChainsAreDeclaredIn() {
        var forward = new LinkedHashMap<String, List<String>>();
        forward.put("m3", List.of("m2"));
        forward.put("m2", List.of("m1"));
        var backward = new LinkedHashMap<String, List<String>>();
        backward.put("m2", List.of("m1"));
        backward.put("m3", List.of("m2"));
        var cycle = Map.of("m1", List.of("m3"), "m3", List.of("m2"), "m2", List.of("m1"));

        for (var chains : List.of(forward, backward, cycle)) {
            Partitioning p = Partitioning.ofFallbacks(chains);
            assertThat(List.of("m1", "m2", "m3").stream().map(p::routingKey)).containsOnly("m1");
        }
    }

    @Test
    void shouldPutAModelsRecordsOnThePartitionOfItsRoutingKey() {
        Partitioning p = Partitioning.ofFallbacks(Map.of("llama-fast", List.of("llama-big")));

        for (int partitions : List.of(1, 6, 32)) {
            assertThat(p.partition("llama-fast", partitions)).isEqualTo(Partitioning.of("llama-big", partitions));
            assertThat(p.partition("llama-big", partitions)).isEqualTo(Partitioning.of("llama-big", partitions));
            assertThat(p.partition("solo", partitions)).isEqualTo(Partitioning.of("solo", partitions));
        }
    }

    @Test
    void shouldRefuseATopicWithoutPartitions() {
        assertThatThrownBy(() -> Partitioning.of("m", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
