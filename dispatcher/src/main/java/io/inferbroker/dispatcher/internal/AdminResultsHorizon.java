package io.inferbroker.dispatcher.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link ResultsHorizon} from the Kafka cluster: the partition's end offset and the dispatcher
 * group's committed offset, or the partition's earliest offset when the group has committed none
 * (Kafka Streams then reads from the earliest). Thread-safe; the creator closes the admin client.
 */
public final class AdminResultsHorizon implements ResultsHorizon {
    private final Admin admin;
    private final String groupId;

    /**
     * @param admin a client of the cluster the dispatcher reads
     * @param groupId the dispatcher's application id (its consumer group)
     */
    public AdminResultsHorizon(Admin admin, String groupId) {
        this.admin = admin;
        this.groupId = groupId;
    }

    @Override
    public CompletableFuture<Marks> ask(TopicPartition partition) {
        CompletableFuture<Long> end = offset(partition, OffsetSpec.latest());
        CompletableFuture<Long> committed = admin.listConsumerGroupOffsets(
                        Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(partition))))
                .partitionsToOffsetAndMetadata(groupId)
                .toCompletionStage()
                .toCompletableFuture()
                .thenCompose(offsets -> {
                    OffsetAndMetadata o = offsets.get(partition);
                    return o != null
                            ? CompletableFuture.completedFuture(o.offset())
                            : offset(partition, OffsetSpec.earliest());
                });
        return committed.thenCombine(end, Marks::new);
    }

    private CompletableFuture<Long> offset(TopicPartition partition, OffsetSpec spec) {
        return admin.listOffsets(Map.of(partition, spec))
                .partitionResult(partition)
                .toCompletionStage()
                .toCompletableFuture()
                .thenApply(info -> info.offset());
    }
}
