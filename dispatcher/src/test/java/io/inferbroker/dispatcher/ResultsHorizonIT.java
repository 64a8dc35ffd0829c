package io.inferbroker.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.internal.AdminResultsHorizon;
import io.inferbroker.dispatcher.internal.ResultsHorizon;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The marks a task waits for come from the cluster: the group's committed offset and the partition's end. */
@ExtendWith(InfraExtension.class)
class ResultsHorizonIT {
    @Test
    void shouldAnswerTheEndOfTheResultsPartitionAndWhereTheGroupCommitted(KafkaInfra kafka) throws Exception {
        String group = kafka.topics().prefix() + "horizon-group";
        TopicPartition results = new TopicPartition(kafka.topics().results(), 0);
        try (Admin admin = Admin.create(kafka.clientProps());
                KafkaProducer<String, String> producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(results.topic(), 0, "j" + i, "{}"))
                        .get();
            }
            ResultsHorizon horizon = new AdminResultsHorizon(admin, group);

            assertThat(horizon.ask(results).get(30, TimeUnit.SECONDS))
                    .as("nothing committed: the group reads from the earliest offset")
                    .isEqualTo(new ResultsHorizon.Marks(0, 3));

            admin.alterConsumerGroupOffsets(group, Map.of(results, new OffsetAndMetadata(2)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThat(horizon.ask(results).get(30, TimeUnit.SECONDS)).isEqualTo(new ResultsHorizon.Marks(2, 3));
        }
    }

    @Test
    void shouldFailTheAnswerWhenTheClusterCannotBeReached() {
        try (Admin admin = Admin.create(Map.of(
                "bootstrap.servers", "127.0.0.1:1",
                "default.api.timeout.ms", 1_000,
                "request.timeout.ms", 500))) {
            ResultsHorizon horizon = new AdminResultsHorizon(admin, "nobody");
            assertThat(horizon.ask(new TopicPartition("results", 0)))
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableThat()
                    .isNotNull();
        }
    }
}
