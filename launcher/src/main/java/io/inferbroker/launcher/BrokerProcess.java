package io.inferbroker.launcher;

import io.inferbroker.embedded.DataDirectoryLock;
import io.inferbroker.embedded.EmbeddedKafka;
import io.inferbroker.embedded.EmbeddedPostgres;
import io.inferbroker.embedded.TopicProvisioner;
import io.inferbroker.ingress.AdmissionConfig;
import io.inferbroker.ingress.IngressConfig;
import io.inferbroker.ingress.IngressPorts;
import io.inferbroker.ingress.IngressProducers;
import io.inferbroker.ingress.IngressServer;
import io.inferbroker.ingress.ModelInfo;
import io.inferbroker.ingress.ReadinessCheck;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.api.WebhookTargetPolicy;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running broker process: the infrastructure it needs (embedded or external), then the roles
 * it was asked for, wired by hand. Closing stops everything in reverse order of start.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerProcess.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a start waits for a broker still stopping on the same data directory. */
    private static final Duration DATA_DIR_PATIENCE = Duration.ofSeconds(30);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<ReadinessCheck> readiness = new ArrayList<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean closed = new AtomicBoolean();
    private int port;
    private String adminKey = "";
    private String bootstrap = "";

    private BrokerProcess() {}

    /**
     * Starts the roles; blocks until they run. On failure everything started so far is stopped
     * and the exception propagates.
     */
    public static BrokerProcess start(BrokerConfig config, Set<Role> roles, PrintStream out) {
        BrokerProcess process = new BrokerProcess();
        try {
            process.boot(config, roles, out);
            return process;
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /** The HTTP port this process listens on. */
    public int port() {
        return port;
    }

    /** The admin key in force: BROKER_ADMIN_KEY, or one generated for this run. */
    public String adminKey() {
        return adminKey;
    }

    String generatedAdminKey() {
        return adminKey;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Kafka bootstrap servers this process uses: the configured ones, or its embedded broker's. */
    public String bootstrapServers() {
        return bootstrap;
    }

    private void boot(BrokerConfig config, Set<Role> roles, PrintStream out) {
        boolean serve = roles.containsAll(Role.all());
        adminKey =
                config.adminKey().map(BrokerConfig.Secret::value).orElseGet(() -> DevCredentials.randomKey("ibadmin_"));
        bindJvmMetrics();
        TopicNames topics = new TopicNames(config.topicPrefix());
        if (serve && (config.kafkaBootstrapServers().isEmpty() || config.dbUrl().isEmpty())) {
            // Released last, by the operating system if the process dies: one broker per data directory.
            own(DataDirectoryLock.acquire(config.dataDir(), DATA_DIR_PATIENCE));
        }
        bootstrap = kafka(config, roles, serve);
        Optional<StoreDatabase> db = roles.stream().anyMatch(Role::needsDatabase)
                ? Optional.of(database(config, roles, serve))
                : Optional.empty();
        Properties kafkaProps = new Properties();
        kafkaProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (roles.contains(Role.STORE)) {
            StoreWiring.start(this, config, db.orElseThrow(), topics, kafkaProps);
        }
        if (roles.contains(Role.DISPATCHER)) {
            RoleWiring.startDispatcher(this, config, topics, kafkaProps);
        }
        if (roles.contains(Role.WORKER)) {
            RoleWiring.startWorkers(this, config, topics, kafkaProps);
        }
        IngressServer http = roles.contains(Role.INGRESS)
                ? startIngress(config, topics, kafkaProps, db.orElseThrow())
                : IngressServer.startOps(config.host(), config.port(), readiness, registry);
        own(http);
        port = http.port();
        Banner.print(out, config, this, db.filter(d -> serve), roles);
    }

    private String kafka(BrokerConfig config, Set<Role> roles, boolean serve) {
        String bootstrap;
        String source;
        if (config.kafkaBootstrapServers().isPresent()) {
            bootstrap = config.kafkaBootstrapServers().get();
            source = "BROKER_KAFKA_BOOTSTRAP_SERVERS / --kafka";
        } else if (serve) {
            EmbeddedKafka kafka = own(EmbeddedKafka.start(config.dataDir().resolve("kafka"), 0));
            bootstrap = kafka.bootstrapServers();
            source = "embedded Kafka";
        } else {
            throw new ConfigException(
                    "broker " + roleNames(roles)
                            + " needs external Kafka: set BROKER_KAFKA_BOOTSTRAP_SERVERS or --kafka (only 'broker serve' embeds one)");
        }
        KafkaHealth health = own(KafkaHealth.connect(bootstrap, source, CONNECT_TIMEOUT));
        readiness.add(new ReadinessCheck("kafka", health::isUp));
        List<String> created = new TopicProvisioner(health.admin(), CONNECT_TIMEOUT)
                .ensureAll(new TopicNames(config.topicPrefix()), Optional.empty());
        if (!created.isEmpty()) {
            LOG.info("created topics {}", created);
        }
        return bootstrap;
    }

    private StoreDatabase database(BrokerConfig config, Set<Role> roles, boolean serve) {
        String url;
        String user = config.dbUser();
        String password = config.dbPassword().value();
        if (config.dbUrl().isPresent()) {
            url = config.dbUrl().get();
        } else if (serve) {
            EmbeddedPostgres pg = own(EmbeddedPostgres.start(config.dataDir().resolve("postgres"), 0));
            url = pg.jdbcUrl(EmbeddedPostgres.DATABASE);
            user = EmbeddedPostgres.USER;
            password = "";
        } else {
            throw new ConfigException("broker " + roleNames(roles)
                    + " needs external PostgreSQL: set BROKER_DB_URL or --db-url (only 'broker serve' embeds one)");
        }
        StoreConfig storeConfig;
        try {
            storeConfig = new StoreConfig(url, user, password, config.dbPoolSize(), config.dbSchema());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        StoreDatabase db = own(StoreDatabase.open(storeConfig, registry, clock));
        readiness.add(new ReadinessCheck("postgres", db::isHealthy));
        return db;
    }

    private IngressServer startIngress(
            BrokerConfig config, TopicNames topics, Properties kafkaProps, StoreDatabase db) {
        IngressProducers producers = own(IngressProducers.open(kafkaProps, config.submitTimeout()));
        List<ModelInfo> models = config.models().stream()
                .map(m -> new ModelInfo(
                        m.id(), "inferbroker", m.kind(), isSimulated(config, m.id()), m.description(), m.fallback()))
                .toList();
        IngressConfig ingress;
        AdmissionConfig admission;
        try {
            admission = AdmissionConfig.of(
                    config.requestsPerMinute(),
                    config.tokensPerMinute(),
                    config.models().stream()
                            .collect(Collectors.toMap(ModelSpec::id, ModelSpec::maxQueued, (a, b) -> b)));
            ingress = new IngressConfig(
                    config.host(),
                    config.port(),
                    config.maxBodyBytes(),
                    config.submitTimeout(),
                    config.publicBaseUrl(),
                    topics,
                    models,
                    config.syncTimeout(),
                    config.streamBufferEvents(),
                    config.socketSendBufferBytes());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        IngressPorts ports = new IngressPorts(
                producers.requests(),
                producers.control(),
                kafkaProps,
                db.jobs(),
                db.apiKeys(),
                adminKey,
                db.tenantLimits(),
                admission,
                db.idempotency(),
                db.webhooks(),
                new WebhookTargetPolicy(config.webhooks().allowList()));
        return IngressServer.startApi(ingress, ports, readiness, registry, clock);
    }

    private static boolean isSimulated(BrokerConfig config, String model) {
        return config.workers().stream()
                .filter(w -> w.models().contains(model))
                .allMatch(w -> "sim".equals(w.adapter()));
    }

    private void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        own(new JvmGcMetrics()).bindTo(registry);
    }

    private static String roleNames(Set<Role> roles) {
        return String.join(
                "/",
                roles.stream()
                        .map(r -> r.name().toLowerCase(java.util.Locale.ROOT))
                        .toList());
    }

    /** Registers a resource to close, in reverse order, when the process stops. */
    <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    void addReadiness(ReadinessCheck check) {
        readiness.add(check);
    }

    Clock clock() {
        return clock;
    }

    /** Stops every role and the infrastructure; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
        registry.close();
    }
}
