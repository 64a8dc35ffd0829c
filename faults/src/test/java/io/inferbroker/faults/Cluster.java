package io.inferbroker.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;

/**
 * The multi-process layout: Kafka and PostgreSQL each in a process of their own, and {@code broker
 * ingress} x2, {@code broker dispatcher} x2, {@code broker worker} x2 (workers {@code w-1} and
 * {@code w-2}, one each) and {@code broker store}, every one on a fixed loopback port so a restart
 * comes back where clients look. Closing kills every process (also on failure).
 */
final class Cluster implements AutoCloseable {
    static final String ADMIN = "faults-admin-key";
    private static final String MODELS = """
            models:
              - id: sim-echo
                max_queue_delay_ms: 5
                routing: least-loaded
            workers:
            """;

    private static final java.util.Set<Integer> GIVEN = new java.util.HashSet<>();
    private final Path dir;
    private final Api api = new Api();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<String> ingresses = new ArrayList<>();
    private final Thread reaper = new Thread(this::close, "faults-reaper");
    private String bootstrap = "";

    private Cluster(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts everything and waits until every process is ready; kills what it started when it cannot. */
    static Cluster start(Path dir) throws IOException {
        Cluster c = new Cluster(dir);
        try {
            c.boot();
            return c;
        } catch (RuntimeException | IOException e) {
            c.close();
            throw e;
        }
    }

    private void boot() throws IOException {
        Path logs = dir.resolve("logs");
        int kafkaPort = freePort();
        int pgPort = freePort();
        bootstrap = "127.0.0.1:" + kafkaPort;
        Node kafka = node(new Node(
                "kafka",
                KafkaServerMain.class.getName(),
                List.of(dir.resolve("kafka").toString(), Integer.toString(kafkaPort)),
                Map.of(),
                logs,
                "768m"));
        Path pgData = dir.resolve("postgres");
        Node pg = node(new Node(
                "postgres",
                PostgresServerMain.class.getName(),
                List.of(pgData.toString(), Integer.toString(pgPort)),
                Map.of(),
                logs,
                "128m",
                Optional.of(pgData.resolve("postmaster.pid"))));
        Target kafkaTarget = Target.of(
                kafka, () -> kafka.aliveOrRespawned() && kafka.currentLog().contains(KafkaServerMain.READY));
        Target pgTarget =
                Target.of(pg, () -> pg.aliveOrRespawned() && pg.currentLog().contains(PostgresServerMain.READY));
        kafka.start();
        pg.start();
        awaitReady(kafkaTarget);
        awaitReady(pgTarget);

        Map<String, String> env = new HashMap<>(Map.of(
                "BROKER_KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "BROKER_DB_URL", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
                "BROKER_DB_USER", "postgres",
                "BROKER_DB_POOL_SIZE", "4",
                "BROKER_ADMIN_KEY", ADMIN,
                "BROKER_WEBHOOKS_ALLOW_LIST", "127.0.0.1",
                "BROKER_WEBHOOKS_SCHEDULE", "1s,2s,5s,10s,20s,30s",
                "BROKER_HTTP_SYNC_TIMEOUT_MS", "30000"));
        Path all = config("all", "w-1", "w-2");
        Target store = role("store", "store", all, env);
        List<Target> roles = List.of(
                role("ingress-1", "ingress", all, env),
                role("ingress-2", "ingress", all, env),
                role("dispatcher-1", "dispatcher", all, env),
                role("dispatcher-2", "dispatcher", all, env),
                role("worker-1", "worker", config("w-1", "w-1"), env).worker("w-1"),
                role("worker-2", "worker", config("w-2", "w-2"), env).worker("w-2"));
        // One at a time: seven JVMs starting at once on two cores miss their Kafka connect timeout.
        for (Target t : concat(store, roles)) {
            t.start().run();
            awaitReady(t);
        }
        ingresses.addAll(roles.stream().flatMap(t -> t.ingress().stream()).toList());
        // The order of the kills: one of each kind, the infrastructure, then the second of each kind.
        targets.addAll(List.of(
                roles.get(0),
                roles.get(2),
                roles.get(4),
                store,
                kafkaTarget,
                pgTarget,
                roles.get(1),
                roles.get(3),
                roles.get(5)));
    }

    private Target role(String name, String command, Path config, Map<String, String> common) {
        int port = freePort();
        Map<String, String> env = new HashMap<>(common);
        env.put("BROKER_PORT", Integer.toString(port));
        env.put("BROKER_DATA_DIR", dir.resolve(name).toString());
        Node n = node(new Node(
                name,
                "io.inferbroker.launcher.Main",
                List.of(command, "--config", config.toString()),
                env,
                dir.resolve("logs"),
                "256m"));
        String base = "http://127.0.0.1:" + port;
        // Ready only once this process printed its banner: nothing else answers on its port then.
        Target t = Target.of(
                        n,
                        () -> n.aliveOrRespawned()
                                && n.currentLog().contains("Inferbroker is up at")
                                && api.answers200(base + "/health/ready"))
                .stoppable(n);
        return command.equals("ingress") ? t.ingress(base) : t;
    }

    private static List<Target> concat(Target first, List<Target> rest) {
        List<Target> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    /** How often processes exited by themselves and were started again. */
    int respawns() {
        return nodes.stream().mapToInt(Node::respawns).sum();
    }

    private Path config(String name, String... workers) throws IOException {
        StringBuilder yaml = new StringBuilder(MODELS);
        for (String w : workers) {
            yaml.append("  - id: ")
                    .append(w)
                    .append('\n')
                    .append("    models: [sim-echo]\n")
                    .append("    time_scale: 0.1\n")
                    .append("    input_per_million: 0.10\n")
                    .append("    output_per_million: 0.40\n");
        }
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name + ".yaml"), yaml.toString());
    }

    private void awaitReady(Target t) {
        Awaitility.await("start of " + t.name())
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> t.ready().getAsBoolean());
    }

    private Node node(Node n) {
        nodes.add(n);
        return n;
    }

    List<String> ingresses() {
        return List.copyOf(ingresses);
    }

    List<Target> targets() {
        return List.copyOf(targets);
    }

    String bootstrap() {
        return bootstrap;
    }

    /**
     * A free port below the kernel's ephemeral range, so that no outgoing connection takes it while
     * its process is down and a restart finds it free again.
     */
    static synchronized int freePort() {
        int low = ephemeralLow();
        for (int i = 0; i < 1000; i++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(low / 2, low);
            if (!GIVEN.add(port)) {
                continue; // given out before: its process may be down right now
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException ignored) {
                // try another
            }
        }
        throw new IllegalStateException("no free port below " + low);
    }

    private static int ephemeralLow() {
        try {
            // readAllLines, not readString: readString trusts the size a /proc file reports and reads one byte.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .getFirst();
            int low = Integer.parseInt(range.trim().split("\\s+")[0]);
            return low >= 2048 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    /** Kills every process, roles first; idempotent. */
    @Override
    public synchronized void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).kill();
            } catch (RuntimeException e) {
                System.err.println("cannot kill " + nodes.get(i).name() + ": " + e.getMessage());
            }
        }
        nodes.clear();
        if (Thread.currentThread() != reaper) {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down already
            }
        }
    }
}
