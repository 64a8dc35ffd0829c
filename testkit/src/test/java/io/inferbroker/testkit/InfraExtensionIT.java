package io.inferbroker.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.Topic;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class InfraExtensionIT {

    @Test
    void shouldGiveEachTestItsOwnTopics(KafkaInfra first, KafkaInfra second) throws Exception {
        assertThat(first.topics().prefix()).isNotEqualTo(second.topics().prefix());
        assertThat(first.bootstrapServers()).isEqualTo(second.bootstrapServers());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", first.bootstrapServers()))) {
            var names = admin.listTopics().names().get();
            for (Topic topic : Topic.values()) {
                assertThat(names)
                        .contains(first.topics().name(topic), second.topics().name(topic));
            }
        }
        try (var producer = new KafkaProducer<>(first.producerProps(), new StringSerializer(), new StringSerializer());
                var probe = first.probe(first.topics().requests(), new StringDeserializer())) {
            producer.send(new ProducerRecord<>(first.topics().requests(), "k", "v"))
                    .get();
            assertThat(probe.awaitCount(1, Duration.ofSeconds(20)))
                    .singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo("v"));
        }
    }

    @Test
    void shouldGiveEachTestItsOwnSchema(PostgresInfra first, PostgresInfra second) throws Exception {
        assertThat(first.schema()).isNotEqualTo(second.schema());
        try (Connection c = DriverManager.getConnection(first.jdbcUrl(), first.user(), first.password());
                Statement s = c.createStatement()) {
            s.execute("create table only_here(id int)");
        }
        try (Connection c = DriverManager.getConnection(second.jdbcUrl(), second.user(), second.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select count(*) from information_schema.tables where table_name = 'only_here' and table_schema = current_schema()")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
