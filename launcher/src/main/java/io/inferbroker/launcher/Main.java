package io.inferbroker.launcher;

import io.inferbroker.embedded.EmbeddedStartException;
import io.inferbroker.embedded.KafkaUnavailableException;
import io.inferbroker.ingress.PortInUseException;
import io.inferbroker.store.api.StoreUnavailableException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code broker} command line. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Event-driven, asynchronous AI inference broker on Kafka.",
        subcommands = {
            Main.Serve.class,
            Main.Ingress.class,
            Main.Dispatcher.class,
            Main.Worker.class,
            Main.Store.class,
            ReplayCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().flush();
            if (!isExpected(e)) {
                throw e;
            }
            return e instanceof ConfigException ? 2 : 1;
        });
    }

    /** Failures a user can fix from the message alone; anything else also gets its stack trace. */
    private static boolean isExpected(Exception e) {
        return e instanceof ConfigException
                || e instanceof PortInUseException
                || e instanceof KafkaUnavailableException
                || e instanceof StoreUnavailableException
                || e instanceof EmbeddedStartException;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every command takes; each maps onto a config key. */
    static final class Options {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file")
        Path config;

        @Option(names = "--port", description = "HTTP port (BROKER_PORT, default 8080; 0 = any free port)")
        Integer port;

        @Option(names = "--host", description = "interface to listen on (BROKER_HOST, default 127.0.0.1)")
        String host;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description = "where embedded Kafka and PostgreSQL keep data (BROKER_DATA_DIR, default ./data)")
        Path dataDir;

        @Option(
                names = "--kafka",
                paramLabel = "HOST:PORT",
                description = "Kafka bootstrap servers (BROKER_KAFKA_BOOTSTRAP_SERVERS); none = embedded")
        String kafka;

        @Option(
                names = "--db-url",
                paramLabel = "JDBC_URL",
                description = "PostgreSQL JDBC URL (BROKER_DB_URL); none = embedded")
        String dbUrl;

        BrokerConfig load() {
            Map<String, String> flags = new LinkedHashMap<>();
            if (port != null) {
                flags.put("port", port.toString());
            }
            if (host != null) {
                flags.put("host", host);
            }
            if (dataDir != null) {
                flags.put("data_dir", dataDir.toString());
            }
            if (kafka != null) {
                flags.put("kafka.bootstrap_servers", kafka);
            }
            if (dbUrl != null) {
                flags.put("db.url", dbUrl);
            }
            return ConfigLoader.load(flags, System.getenv(), Optional.ofNullable(config));
        }
    }

    abstract static class RoleCommand implements Callable<Integer> {
        @Mixin
        Options options;

        abstract Set<Role> roles();

        @Override
        public Integer call() {
            BrokerConfig config = options.load();
            CountDownLatch stopped = new CountDownLatch(1);
            BrokerProcess process = BrokerProcess.start(config, roles(), System.out);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                process.close();
                                stopped.countDown();
                            },
                            "broker-shutdown"));
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    @Command(
            name = "serve",
            description = "Run every role in one process; embedded Kafka and PostgreSQL unless configured.")
    static final class Serve extends RoleCommand {
        @Override
        Set<Role> roles() {
            return Role.all();
        }
    }

    @Command(name = "ingress", description = "Run the HTTP API against external Kafka and PostgreSQL.")
    static final class Ingress extends RoleCommand {
        @Override
        Set<Role> roles() {
            return EnumSet.of(Role.INGRESS);
        }
    }

    @Command(name = "dispatcher", description = "Run the dispatcher (Kafka Streams) against external Kafka.")
    static final class Dispatcher extends RoleCommand {
        @Override
        Set<Role> roles() {
            return EnumSet.of(Role.DISPATCHER);
        }
    }

    @Command(name = "worker", description = "Run the configured workers against external Kafka.")
    static final class Worker extends RoleCommand {
        @Override
        Set<Role> roles() {
            return EnumSet.of(Role.WORKER);
        }
    }

    @Command(name = "store", description = "Run the result store against external Kafka and PostgreSQL.")
    static final class Store extends RoleCommand {
        @Override
        Set<Role> roles() {
            return EnumSet.of(Role.STORE);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"broker " + (v == null ? "development build" : v)};
        }
    }
}
