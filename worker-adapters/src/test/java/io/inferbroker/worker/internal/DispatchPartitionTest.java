package io.inferbroker.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class DispatchPartitionTest {

    @Test
    void shouldPickThePartitionKafkasDefaultPartitionerPicksForTheWorkerId() {
        for (int partitions : new int[] {1, 2, 3, 6, 12}) {
            for (int i = 0; i < 50; i++) {
                String workerId = "worker-" + i;
                assertThat(DispatchPartition.forWorker(workerId, partitions))
                        .as("%s over %d partitions", workerId, partitions)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(
                                workerId.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
