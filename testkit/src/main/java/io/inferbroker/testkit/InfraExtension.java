package io.inferbroker.testkit;

import io.inferbroker.embedded.TopicProvisioner;
import io.inferbroker.schemas.TopicNames;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link KafkaInfra} and {@link PostgresInfra} parameters (constructor, lifecycle or test
 * methods). One Kafka broker and one PostgreSQL server are started lazily per test JVM and shared;
 * every resolution gets fresh topics (all of the catalogue, {@value #TEST_PARTITIONS} partitions
 * each) and a fresh schema, so tests never see each other's data.
 *
 * <p>Kafka is the in-process KRaft broker unless the system property {@code inferbroker.test.kafka}
 * (or the environment variable {@code INFERBROKER_TEST_KAFKA}) says {@code testcontainers}, or says
 * {@code auto} and a Docker engine answers.
 */
public final class InfraExtension implements ParameterResolver {
    static final int TEST_PARTITIONS = 2;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaInfra.class || type == PostgresInfra.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SharedInfra shared = context.getRoot()
                .getStore(ExtensionContext.Namespace.create(InfraExtension.class))
                .getOrComputeIfAbsent(SharedInfra.class, k -> new SharedInfra(), SharedInfra.class);
        String unique = "t" + SEQUENCE.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        if (parameter.getParameter().getType() == KafkaInfra.class) {
            return kafka(shared.kafkaBootstrap(), unique);
        }
        return postgres(shared, unique);
    }

    private static KafkaInfra kafka(String bootstrap, String unique) {
        TopicNames names = new TopicNames(unique + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensureAll(names, Optional.of(TEST_PARTITIONS));
        }
        return new KafkaInfra(bootstrap, names);
    }

    private static PostgresInfra postgres(SharedInfra shared, String unique) {
        String url = shared.postgresJdbcUrl();
        try (Connection c = DriverManager.getConnection(url, shared.postgresUser(), shared.postgresPassword());
                Statement s = c.createStatement()) {
            s.execute("create schema " + unique);
        } catch (SQLException e) {
            throw new ParameterResolutionException("cannot create test schema " + unique + ": " + e.getMessage(), e);
        }
        return new PostgresInfra(url, shared.postgresUser(), shared.postgresPassword(), unique);
    }
}
