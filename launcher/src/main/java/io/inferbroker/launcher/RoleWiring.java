package io.inferbroker.launcher;

import io.inferbroker.dispatcher.CircuitBreakerSettings;
import io.inferbroker.dispatcher.Dispatcher;
import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.ModelBatching;
import io.inferbroker.dispatcher.ModelRouting;
import io.inferbroker.dispatcher.RoutingStrategy;
import io.inferbroker.dispatcher.TenantBudget;
import io.inferbroker.ingress.ReadinessCheck;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.Worker;
import io.inferbroker.worker.WorkerConfig;
import io.inferbroker.worker.http.ApiKey;
import io.inferbroker.worker.http.EndpointConfig;
import io.inferbroker.worker.kserve.KServeV2Adapter;
import io.inferbroker.worker.openai.OpenAiCompatibleAdapter;
import io.inferbroker.worker.sim.LatencyModel;
import io.inferbroker.worker.sim.SimulatedModelAdapter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** Builds the dispatcher and the workers of a process from its configuration. */
final class RoleWiring {
    private RoleWiring() {}

    static void startDispatcher(BrokerProcess process, BrokerConfig config, TopicNames topics, Properties kafka) {
        DispatcherConfig dc;
        try {
            DispatcherSettings d = config.dispatcher();
            dc = DispatcherConfig.defaults(topics.prefix() + "inferbroker-dispatcher", topics)
                    .withPunctuateInterval(d.tick())
                    .withNumStreamThreads(d.streamThreads())
                    .withWorkerLease(d.workerLease())
                    .withDedupeRetention(d.dedupeRetention())
                    .withMaxAttempts(d.maxAttempts())
                    .withPriorityAging(d.priorityAging())
                    .withDefaultMaxTokens(d.defaultMaxTokens())
                    .withBreaker(new CircuitBreakerSettings(d.breakerFailures(), d.breakerOpen()))
                    .withJobTimeout(d.jobTimeout());
            for (int i = 0; i < config.models().size(); i++) {
                ModelSpec m = config.models().get(i);
                dc = dc.withModel(
                                m.id(),
                                new ModelBatching(
                                        m.maxBatchSize(),
                                        Duration.ofMillis(m.maxQueueDelayMs()),
                                        m.preferredBatchSizes()))
                        .withRouting(m.id(), routing(m, i));
            }
            for (BudgetSpec b : config.budgets()) {
                dc = dc.withBudget(b.tenant(), new TenantBudget(b.limit(), b.currency(), b.budgetPeriod()));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(
                "state.dir",
                config.dataDir().resolve("streams").toAbsolutePath().toString());
        if (config.kafkaBootstrapServers().isEmpty()) {
            // 'broker serve' on its own embedded Kafka: no other process can hold this id, so a static
            // member is safe, and after a kill the restarted dispatcher gets its tasks back without
            // waiting for the dead member's session to expire.
            // Kafka Streams' prefix for its main consumer (the launcher does not import Kafka Streams).
            props.put("main.consumer." + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "serve-dispatcher");
        }
        Dispatcher dispatcher = process.own(new Dispatcher(dc, props, process.registry()));
        dispatcher.start();
        process.addReadiness(new ReadinessCheck("dispatcher", dispatcher::isReady));
    }

    private static ModelRouting routing(ModelSpec m, int index) {
        try {
            return new ModelRouting(
                    RoutingStrategy.fromName(m.routing()),
                    m.fallback(),
                    m.estimatePrice() == null ? null : m.estimatePrice().toPrice());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("models[" + index + "].routing: " + e.getMessage(), e);
        }
    }

    static void startWorkers(BrokerProcess process, BrokerConfig config, TopicNames topics, Properties kafka) {
        String version = version();
        for (WorkerSpec spec : config.workers()) {
            Price price =
                    new Price(spec.inputPerMillion(), spec.outputPerMillion(), spec.perGpuSecond(), spec.currency());
            WorkerConfig wc;
            ModelAdapter adapter;
            try {
                wc = new WorkerConfig(
                        spec.id(),
                        spec.models(),
                        spec.capacity(),
                        price,
                        WorkerConfig.DEFAULT_STATUS_INTERVAL,
                        topics,
                        version,
                        Duration.ofMillis(spec.shutdownGraceMs()),
                        spec.modelPrices().entrySet().stream()
                                .collect(Collectors.toMap(
                                        Map.Entry::getKey, e -> e.getValue().in(spec.currency()))));
                adapter = adapter(spec, process);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("workers entry '" + spec.id() + "': " + e.getMessage(), e);
            }
            process.own(Worker.start(wc, adapter, kafka, process.clock(), process.registry()));
        }
    }

    /** The adapter a worker entry asks for; throws IllegalArgumentException naming the bad setting. */
    static ModelAdapter adapter(WorkerSpec spec, BrokerProcess process) {
        return switch (spec.adapter()) {
            case "openai" -> OpenAiCompatibleAdapter.create(endpoint(spec), process.clock(), process.registry());
            case "kserve" -> KServeV2Adapter.create(endpoint(spec), process.clock(), process.registry());
            default ->
                SimulatedModelAdapter.create(LatencyModel.load(spec.profile(), spec.timeScale()), process.clock());
        };
    }

    static EndpointConfig endpoint(WorkerSpec spec) {
        URI baseUrl;
        try {
            baseUrl = new URI(spec.baseUrl().strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("base_url is not a URL: " + e.getMessage(), e);
        }
        return new EndpointConfig(
                baseUrl,
                new ApiKey(spec.apiKey()),
                spec.modelMap(),
                Duration.ofMillis(spec.connectTimeoutMs()),
                Duration.ofMillis(spec.firstTokenTimeoutMs()),
                Duration.ofMillis(spec.idleTimeoutMs()),
                Duration.ofMillis(spec.requestTimeoutMs()),
                spec.maxAttempts(),
                EndpointConfig.DEFAULT_INITIAL_BACKOFF,
                EndpointConfig.DEFAULT_MAX_BACKOFF,
                spec.streaming());
    }

    private static String version() {
        String v = RoleWiring.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
