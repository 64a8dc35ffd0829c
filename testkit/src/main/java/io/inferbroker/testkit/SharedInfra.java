package io.inferbroker.testkit;

import io.inferbroker.embedded.EmbeddedKafka;
import io.inferbroker.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The servers of one test JVM, started on first use and stopped when JUnit closes the root store.
 * Thread-safe.
 */
final class SharedInfra implements AutoCloseable {
    static final String KAFKA_MODE_PROPERTY = "inferbroker.test.kafka";
    private static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    private final Path dir;
    private @Nullable EmbeddedKafka embeddedKafka;
    private @Nullable KafkaContainer kafkaContainer;
    private @Nullable String kafkaBootstrap;
    private @Nullable EmbeddedPostgres postgres;

    SharedInfra() {
        try {
            this.dir = Files.createTempDirectory("inferbroker-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for test servers", e);
        }
    }

    synchronized String kafkaBootstrap() {
        if (kafkaBootstrap == null) {
            if (useContainers()) {
                KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
                container.start();
                kafkaContainer = container;
                kafkaBootstrap = container.getBootstrapServers();
            } else {
                EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                embeddedKafka = kafka;
                kafkaBootstrap = kafka.bootstrapServers();
            }
        }
        return kafkaBootstrap;
    }

    synchronized String postgresJdbcUrl() {
        if (postgres == null) {
            postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        }
        return postgres.jdbcUrl(EmbeddedPostgres.DATABASE);
    }

    String postgresUser() {
        return EmbeddedPostgres.USER;
    }

    String postgresPassword() {
        return "";
    }

    private static boolean useContainers() {
        String mode = System.getProperty(
                        KAFKA_MODE_PROPERTY, System.getenv().getOrDefault("INFERBROKER_TEST_KAFKA", "embedded"))
                .toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "testcontainers" -> true;
            case "auto" -> DockerClientFactory.instance().isDockerAvailable();
            default -> false;
        };
    }

    @Override
    public synchronized void close() {
        if (kafkaContainer != null) {
            kafkaContainer.stop();
        }
        if (embeddedKafka != null) {
            embeddedKafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        deleteRecursively(dir);
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Leaving a temporary directory behind must not fail the test run.
        }
    }
}
