package io.inferbroker.dispatcher.internal;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the repartition topic by model (the default hash of the key), except cancels: a control
 * command names only the job, so it goes to every partition and the one partition that holds the job
 * acts on it. Cancels are rare, so the fan-out is cheap, and no job-id-to-model lookup (with its own
 * state and co-partitioning assumptions) is needed.
 */
final class CancelBroadcastPartitioner implements StreamPartitioner<String, Envelope> {

    @Override
    public Optional<Set<Integer>> partitions(
            String topic, String key, Envelope value, Headers headers, int numPartitions) {
        if (value instanceof Envelope.Cancel) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        return Optional.empty();
    }

    /** Required by the interface until its removal; Kafka Streams calls the variant with headers. */
    @Override
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(String topic, String key, Envelope value, int numPartitions) {
        return partitions(topic, key, value, new RecordHeaders(), numPartitions);
    }
}
