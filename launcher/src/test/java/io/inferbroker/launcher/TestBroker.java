package io.inferbroker.launcher;

import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A whole broker (every role) on the test's Kafka and PostgreSQL, serving {@code sim-echo} (chat)
 * and {@code sim-embed} (embeddings) on a fast simulated worker, and {@code sim-idle}, a chat model
 * no worker serves (its jobs stay queued). Comes with one tenant and its API key.
 */
final class TestBroker implements AutoCloseable {
    static final String ADMIN = "admin-secret";
    private static final String CONFIG = """
            models:
              - id: sim-echo
                max_queue_delay_ms: 5
              - id: sim-embed
                kind: embedding
                max_queue_delay_ms: 5
              - id: sim-idle
                max_queue_delay_ms: 5
            workers:
              - id: sim-1
                models: [sim-echo, sim-embed]
                time_scale: 0.02
            """;

    final BrokerProcess process;
    final String base;
    final String key;
    /** The admin key: {@link #ADMIN} unless the environment gave {@code BROKER_ADMIN_KEY}. */
    final String admin;

    private TestBroker(BrokerProcess process, String key, String admin) {
        this.process = process;
        this.base = "http://127.0.0.1:" + process.port();
        this.key = key;
        this.admin = admin;
    }

    static TestBroker start(KafkaInfra kafka, PostgresInfra pg, Path dir, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        return start(kafka, pg, dir, extraEnv, CONFIG);
    }

    /** A broker with its own {@code models} and {@code workers} (YAML). */
    static TestBroker start(KafkaInfra kafka, PostgresInfra pg, Path dir, Map<String, String> extraEnv, String yaml)
            throws IOException, InterruptedException {
        Path config = Files.writeString(dir.resolve("broker.yaml"), yaml);
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "BROKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BROKER_KAFKA_TOPIC_PREFIX", kafka.topics().prefix(),
                "BROKER_DB_URL", pg.baseJdbcUrl(),
                "BROKER_DB_USER", pg.user(),
                "BROKER_DB_SCHEMA", pg.schema(),
                "BROKER_ADMIN_KEY", ADMIN,
                "BROKER_DATA_DIR", dir.resolve("data").toString()));
        env.putAll(extraEnv);
        String admin = env.get("BROKER_ADMIN_KEY");
        BrokerConfig cfg = ConfigLoader.load(Map.of("port", "0"), env, Optional.of(config));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        BrokerProcess process = BrokerProcess.start(cfg, Role.all(), quiet);
        try {
            String key = HttpTestClient.of("http://127.0.0.1:" + process.port())
                    .post("/admin/tenants", admin, "{\"name\":\"sync\"}")
                    .json()
                    .get("api_key")
                    .get("secret")
                    .asText();
            return new TestBroker(process, key, admin);
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
