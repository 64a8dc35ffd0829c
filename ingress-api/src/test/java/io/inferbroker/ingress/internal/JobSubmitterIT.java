package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Requests go to the partition of their model's routing key, where the dispatcher task owning the model reads. */
@ExtendWith(InfraExtension.class)
class JobSubmitterIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void shouldWriteEveryJobOfAModelToThePartitionOfItsRoutingKey(KafkaInfra kafka) throws Exception {
        String topic = kafka.topics().requests();
        try (var producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED);
                var probe = kafka.probe(topic, WireSerdes.JOB_REQUESTED)) {
            int partitions = producer.partitionsFor(topic).size();
            assertThat(partitions).as("the test needs a choice of partitions").isGreaterThan(1);
            // "fast" falls back to "big": both go where "big" goes; "solo" is its own key.
            JobSubmitter submitter = new JobSubmitter(
                    producer,
                    kafka.topics(),
                    Duration.ofSeconds(10),
                    Partitioning.ofFallbacks(Map.of("fast", List.of("big"))));
            List<String> ids = IntStream.range(0, 12).mapToObj(i -> "job-" + i).toList();
            for (String id : ids) {
                submitter.submit(job(id, "fast")).get();
            }
            submitter.submit(job("job-solo", "solo")).get();

            List<ConsumerRecord<String, JobRequested>> records = probe.awaitCount(ids.size() + 1, WAIT);
            assertThat(records)
                    .filteredOn(r -> r.value().model().equals("fast"))
                    .hasSize(ids.size())
                    .allSatisfy(r -> assertThat(r.partition()).isEqualTo(Partitioning.of("big", partitions)));
            assertThat(records)
                    .filteredOn(r -> r.value().model().equals("solo"))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.key()).isEqualTo("job-solo");
                        assertThat(r.partition()).isEqualTo(Partitioning.of("solo", partitions));
                    });
        }
    }

    static JobRequested job(String id, String model) {
        return new JobRequested(
                JobRequested.VERSION,
                id,
                "tenant",
                "key",
                model,
                JobKind.CHAT,
                JsonNodeFactory.instance.objectNode().put("prompt", "hi"),
                5,
                null,
                null,
                Map.of(),
                null,
                null,
                Instant.now());
    }
}
