package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.embedded.KafkaUnavailableException;
import io.inferbroker.ingress.PortInUseException;
import io.inferbroker.store.api.StoreUnavailableException;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each role in its own process (here: its own {@link BrokerProcess}) against external Kafka and PostgreSQL. */
@ExtendWith(InfraExtension.class)
class BrokerRolesIT {
    private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private BrokerConfig config(KafkaInfra kafka, PostgresInfra pg, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "BROKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BROKER_KAFKA_TOPIC_PREFIX", kafka.topics().prefix(),
                "BROKER_DB_URL", pg.baseJdbcUrl(),
                "BROKER_DB_USER", pg.user(),
                "BROKER_DB_SCHEMA", pg.schema(),
                "BROKER_ADMIN_KEY", "admin-secret",
                "BROKER_DATA_DIR", dir.toString()));
        env.putAll(extra);
        return ConfigLoader.load(Map.of("port", "0"), env, Optional.empty());
    }

    @Test
    void shouldRunAJobThroughRolesInSeparateProcesses(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        BrokerConfig cfg = config(kafka, pg, Map.of());
        try (var backend = BrokerProcess.start(cfg, EnumSet.of(Role.STORE, Role.DISPATCHER, Role.WORKER), quiet);
                var ingress = BrokerProcess.start(cfg, EnumSet.of(Role.INGRESS), quiet)) {
            HttpTestClient backendApi = HttpTestClient.of("http://127.0.0.1:" + backend.port());
            assertThat(backendApi.get("/health/live", null).statusCode()).isEqualTo(200);
            assertThat(backendApi.get("/metrics", null).body()).contains("jvm_memory_used_bytes");
            HttpTestClient api = backendApi.at("http://127.0.0.1:" + ingress.port());
            var tenant = api.post("/admin/tenants", "admin-secret", "{\"name\":\"roles\"}");
            assertThat(tenant.statusCode()).isEqualTo(201);
            String key = tenant.json().get("api_key").get("secret").asText();

            var submitted = api.post(
                    "/v1/jobs", key, "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"one two\",\"max_tokens\":1}}");
            assertThat(submitted.statusCode()).isEqualTo(202);
            String id = submitted.json().get("id").asText();

            JsonNode job = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> api.get("/v1/jobs/" + id, key).json(),
                            j -> "succeeded".equals(j.path("status").asText()));
            assertThat(job.get("output").get("text").asText()).isEqualTo("one");
            assertThat(job.get("output").get("finish_reason").asText()).isEqualTo("length");
        }
    }

    @Test
    void shouldCancelAQueuedJobEndToEnd(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: sim-echo
                  - id: unserved
                workers:
                  - id: sim-1
                    models: [sim-echo]
                """);
        BrokerConfig base = config(kafka, pg, Map.of());
        Map<String, String> env = new HashMap<>(Map.of(
                "BROKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BROKER_KAFKA_TOPIC_PREFIX", kafka.topics().prefix(),
                "BROKER_DB_URL", pg.baseJdbcUrl(),
                "BROKER_DB_USER", pg.user(),
                "BROKER_DB_SCHEMA", pg.schema(),
                "BROKER_ADMIN_KEY", "admin-secret",
                "BROKER_DATA_DIR", base.dataDir().toString()));
        BrokerConfig cfg = ConfigLoader.load(Map.of("port", "0"), env, Optional.of(file));
        try (var broker = BrokerProcess.start(cfg, Role.all(), quiet)) {
            HttpTestClient api = HttpTestClient.of("http://127.0.0.1:" + broker.port());
            var tenant = api.post("/admin/tenants", "admin-secret", "{\"name\":\"cancel\"}");
            String key = tenant.json().get("api_key").get("secret").asText();
            var submitted = api.post("/v1/jobs", key, "{\"model\":\"unserved\",\"input\":{\"prompt\":\"wait\"}}");
            String id = submitted.json().get("id").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> api.get("/v1/jobs/" + id, key)
                                    .json()
                                    .path("status")
                                    .asText(),
                            "queued"::equals);

            assertThat(api.post("/v1/jobs/" + id + "/cancel", key, "").statusCode())
                    .isEqualTo(202);

            JsonNode job = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> api.get("/v1/jobs/" + id, key).json(),
                            j -> "canceled".equals(j.path("status").asText()));
            assertThat(job.get("completed_at").isTextual()).isTrue();
            assertThat(api.post("/v1/jobs/" + id + "/cancel", key, "").statusCode())
                    .isEqualTo(409);
        }
    }

    @Test
    void shouldRequireExternalKafkaForASingleRole() {
        BrokerConfig cfg =
                ConfigLoader.load(Map.of("port", "0", "data_dir", dir.toString()), Map.of(), Optional.empty());
        assertThatThrownBy(() -> BrokerProcess.start(cfg, EnumSet.of(Role.DISPATCHER), quiet))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BROKER_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldNameUnreachableKafka() {
        BrokerConfig cfg = ConfigLoader.load(
                Map.of("port", "0", "kafka.bootstrap_servers", "127.0.0.1:1", "data_dir", dir.toString()),
                Map.of(),
                Optional.empty());
        assertThatThrownBy(() -> BrokerProcess.start(cfg, EnumSet.of(Role.WORKER), quiet))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessageContaining("cannot reach Kafka at 127.0.0.1:1");
    }

    @Test
    void shouldNameUnreachablePostgres(KafkaInfra kafka, PostgresInfra pg) {
        BrokerConfig cfg = config(kafka, pg, Map.of("BROKER_DB_URL", "jdbc:postgresql://127.0.0.1:1/broker"));
        assertThatThrownBy(() -> BrokerProcess.start(cfg, EnumSet.of(Role.STORE), quiet))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1:1");
    }

    @Test
    void shouldNameAPortInUse(KafkaInfra kafka, PostgresInfra pg) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BrokerConfig cfg = config(kafka, pg, Map.of("BROKER_PORT", Integer.toString(taken.getLocalPort())));
            BrokerConfig onTakenPort = ConfigLoader.load(
                    Map.of("port", Integer.toString(taken.getLocalPort()), "data_dir", dir.toString()),
                    Map.of(
                            "BROKER_KAFKA_BOOTSTRAP_SERVERS",
                            cfg.kafkaBootstrapServers().orElseThrow()),
                    Optional.empty());
            assertThatThrownBy(() -> BrokerProcess.start(onTakenPort, EnumSet.of(Role.DISPATCHER), quiet))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " is already in use");
        }
    }
}
