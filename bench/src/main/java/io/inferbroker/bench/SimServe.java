package io.inferbroker.bench;

import io.inferbroker.launcher.BrokerConfig;
import io.inferbroker.launcher.BrokerProcess;
import io.inferbroker.launcher.ConfigLoader;
import io.inferbroker.launcher.Role;
import io.inferbroker.schemas.Topic;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A whole broker ({@code serve}: every role, embedded Kafka and PostgreSQL) in this JVM, ready, with
 * a tenant and its key, as the whole-path benchmarks measure it: model {@code sim-echo} with {@code
 * max_batch_size} 64 and {@code max_queue_delay_ms} 1, served by one simulated worker of capacity
 * 4096 at {@code time_scale} 1e-6, so the model takes microseconds and everything else is the
 * broker. Closing stops the broker.
 */
final class SimServe implements AutoCloseable {
    private static final String CONFIG = """
            models:
              - id: sim-echo
                max_batch_size: 64
                max_queue_delay_ms: 1
            workers:
              - id: sim-1
                models: [sim-echo]
                capacity: 4096
                time_scale: 0.000001
            """;

    private final BrokerProcess broker;
    private final String base;
    private final String key;
    private final ServePostgres postgres;

    private SimServe(BrokerProcess broker, String base, String key, ServePostgres postgres) {
        this.broker = broker;
        this.base = base;
        this.key = key;
        this.postgres = postgres;
    }

    /** Starts the broker in a new temporary directory named after {@code name}; returns once it is ready. */
    static SimServe start(String name) throws Exception {
        Path dir = Files.createTempDirectory(name + "-");
        Path config = Files.writeString(dir.resolve("broker.yaml"), CONFIG);
        Path data = dir.resolve("data");
        BrokerConfig cfg = ConfigLoader.load(
                Map.of("port", "0", "data_dir", data.toString()),
                Map.of("BROKER_ADMIN_KEY", BenchBroker.ADMIN_KEY),
                Optional.of(config));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        BrokerProcess broker = BrokerProcess.start(cfg, Role.all(), quiet);
        try {
            String base = "http://127.0.0.1:" + broker.port();
            BenchBroker.awaitReady(base);
            return new SimServe(broker, base, BenchBroker.apiKey(base), ServePostgres.of(data, cfg.dbSchema()));
        } catch (Exception e) {
            broker.close();
            throw e;
        }
    }

    BrokerProcess broker() {
        return broker;
    }

    String base() {
        return base;
    }

    String key() {
        return key;
    }

    ServePostgres postgres() {
        return postgres;
    }

    /**
     * Results the store has committed to PostgreSQL so far, from its own counter ({@code
     * broker.store.records.written} of the results topic): read for free, once a second.
     */
    long storedResults() {
        return (long)
                broker
                        .registry()
                        .find("broker.store.records.written")
                        .tag("topic", Topic.RESULTS.baseName())
                        .counters()
                        .stream()
                        .mapToDouble(Counter::count)
                        .sum();
    }

    @Override
    public void close() {
        broker.close();
    }
}
