package io.inferbroker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRuntimeIT {

    @TempDir
    Path dir;

    @Test
    void shouldKeepTopicsAndRecordsAcrossKafkaRestart() throws Exception {
        TopicNames names = new TopicNames("it.");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                List<String> created =
                        new TopicProvisioner(admin, Duration.ofSeconds(30)).ensureAll(names, Optional.of(2));
                assertThat(created).hasSize(Topic.values().length).contains("it.inference.requests");
                assertThat(new TopicProvisioner(admin, Duration.ofSeconds(30)).ensureAll(names, Optional.of(2)))
                        .as("a second run creates nothing")
                        .isEmpty();
            }
            try (var producer = new KafkaProducer<String, String>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all"),
                    new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>(names.requests(), "job-1", "hello"))
                        .get();
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).contains(names.requests(), names.workers());
            }
            assertThat(readAll(kafka.bootstrapServers(), names.requests())).containsExactly("job-1=hello");
        }
    }

    @Test
    void shouldAppendNothingToTheMetadataLogWhileIdle() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            AtomicLong seen = new AtomicLong(-1);
            // Once start-up is written, the end of the log stays put (a no-op record every 500 ms before).
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .during(Duration.ofSeconds(3))
                    .until(() -> {
                        long end = admin.describeMetadataQuorum()
                                .quorumInfo()
                                .get()
                                .highWatermark();
                        return seen.getAndSet(end) == end;
                    });
        }
    }

    @Test
    void shouldKeepRowsAcrossPostgresRestart() throws SQLException {
        Path data = dir.resolve("postgres");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0);
                Connection c =
                        DriverManager.getConnection(pg.jdbcUrl(EmbeddedPostgres.DATABASE), EmbeddedPostgres.USER, "");
                Statement s = c.createStatement()) {
            s.execute("create table kept(v text)");
            s.execute("insert into kept values ('survives')");
        }
        assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, 0);
                Connection c =
                        DriverManager.getConnection(pg.jdbcUrl(EmbeddedPostgres.DATABASE), EmbeddedPostgres.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives");
        }
    }

    @Test
    void shouldNameTheDirectoryWhenKafkaDataDirIsUnusable() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> EmbeddedKafka.start(file.resolve("kafka"), 0))
                .isInstanceOf(EmbeddedStartException.class)
                .hasMessageContaining("not-a-dir");
    }

    private static List<String> readAll(String bootstrap, String topic) {
        try (var consumer = new KafkaConsumer<String, String>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG, "reader",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> seen = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.isEmpty() && System.nanoTime() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
            return seen;
        }
    }
}
