package io.inferbroker.dispatcher;

import io.inferbroker.dispatcher.internal.DispatchProcessorSupplier;
import io.inferbroker.dispatcher.internal.Inbound;
import io.inferbroker.dispatcher.internal.LegacyStores;
import io.inferbroker.dispatcher.internal.Outbound;
import io.inferbroker.dispatcher.internal.PollPacer;
import io.inferbroker.dispatcher.internal.ResultsHorizon;
import io.inferbroker.dispatcher.internal.StreamsProps;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.jspecify.annotations.Nullable;

/**
 * Builds the dispatcher's Kafka Streams topology. A pure function of its arguments: it starts nothing
 * and touches no network, so tests run it in {@code TopologyTestDriver}.
 *
 * <pre>
 * (tenants with a budget only:)
 * requests, results --> re-key by tenant --> [dispatcher-by-tenant repartition] --> budget processor
 *                                                                                        |
 * control (job id) --> cancels, to every partition ---+                admitted, by model |
 *                                                     v                                   v
 *                                       [dispatcher-by-model repartition] <---------------+
 *                                                     |
 * requests (the model's partition) -------------------+--> dispatcher processor --> dispatch (worker id)
 * results  (the dispatching task's partition) --------/     | stores: active,     --> events   (job id)
 *                                                           | done (windowed)     --> results  (model's partition)
 * workers (compacted) --> global store dispatcher-workers --/                     --> queues   (model)
 * </pre>
 */
public final class DispatcherTopology {
    private DispatcherTopology() {}

    /**
     * The Kafka Streams settings the dispatcher runs its topology with, for a driver outside it
     * (a {@code TopologyTestDriver} in a benchmark or a tool): the caller's settings with the
     * dispatcher's own on top; records it cannot take go to the dead letters, counted nowhere.
     *
     * @param caller bootstrap servers, state directory and any other client settings
     */
    public static Properties streamsProperties(DispatcherConfig config, Properties caller) {
        return StreamsProps.of(config, caller);
    }

    /** The topology with each model's configured routing strategy and no metrics. */
    public static Topology build(DispatcherConfig config) {
        return build(config, DispatcherMetrics.noop());
    }

    /** The topology with each model's configured routing strategy. */
    public static Topology build(DispatcherConfig config, DispatcherMetrics metrics) {
        return build(config, null, metrics, ResultsHorizon.NONE);
    }

    /**
     * The topology with one routing policy for every model, whatever their configured strategies
     * (tests, benchmarks, custom policies).
     *
     * @param policy shared by every task; see {@link RoutingPolicy} for its contract
     * @param metrics recorded by every task
     */
    public static Topology build(DispatcherConfig config, RoutingPolicy policy, DispatcherMetrics metrics) {
        return build(config, policy, metrics, ResultsHorizon.NONE);
    }

    /**
     * The topology as a running dispatcher has it.
     *
     * @param policy one routing policy for every model, or null for each model's configured strategy
     * @param horizon where each task's results partition ends: a task reads that far before it sends
     *     again the jobs of a lost or restarted worker ({@link ResultsHorizon#NONE}: judge at once)
     */
    public static Topology build(
            DispatcherConfig config,
            @Nullable RoutingPolicy policy,
            DispatcherMetrics metrics,
            ResultsHorizon horizon) {
        return assemble(config, policy, metrics, horizon, new PollPacer(Duration.ZERO), false);
    }

    /**
     * The topology as a running dispatcher has it, its tasks telling {@code pacer} when they next
     * need their tick.
     */
    public static Topology build(
            DispatcherConfig config,
            @Nullable RoutingPolicy policy,
            DispatcherMetrics metrics,
            ResultsHorizon horizon,
            PollPacer pacer) {
        return assemble(config, policy, metrics, horizon, pacer, false);
    }

    /**
     * {@link #build(DispatcherConfig, RoutingPolicy, DispatcherMetrics, ResultsHorizon, PollPacer)},
     * for an application whose topics are {@code topics}: when they hold the changelogs of the
     * dispatcher's earlier store layout, its tasks carry those stores' jobs over.
     */
    public static Topology build(
            DispatcherConfig config,
            @Nullable RoutingPolicy policy,
            DispatcherMetrics metrics,
            ResultsHorizon horizon,
            PollPacer pacer,
            Set<String> topics) {
        boolean carryOver = topics.stream().anyMatch(LegacyStores.changelogs(config.applicationId())::contains);
        return assemble(config, policy, metrics, horizon, pacer, carryOver);
    }

    private static Topology assemble(
            DispatcherConfig config,
            @Nullable RoutingPolicy policy,
            DispatcherMetrics metrics,
            ResultsHorizon horizon,
            PollPacer pacer,
            boolean carryOver) {
        StreamsBuilder builder = new StreamsBuilder();
        Inbound inbound = Inbound.of(builder, config);
        KStream<String, Outbound> budgetOut = inbound.budgets(metrics);
        KStream<String, Outbound> out = inbound.byModel(budgetOut)
                .process(
                        new DispatchProcessorSupplier(
                                config, policy, metrics, inbound.fleet(), horizon, pacer, carryOver),
                        Named.as("dispatcher"));
        if (budgetOut != null) {
            out = out.merge(budgetOut, Named.as("merge-budget-out"));
        }
        TopicNames topics = config.topics();
        sink(
                out,
                "dispatch",
                v -> v instanceof Outbound.Batch b ? b.batch() : null,
                topics.dispatch(),
                WireSerdes.DISPATCH_BATCH);
        sink(
                out,
                "events",
                v -> v instanceof Outbound.Event e ? e.event() : null,
                topics.events(),
                WireSerdes.LIFECYCLE_EVENT);
        // The dispatcher's own results (expired, canceled, rejected) go to the partition of the model's
        // task, like the workers' results, so a replayed request for the job finds it finished there.
        out.flatMapValues(
                        v -> v instanceof Outbound.Result r ? List.of(r.result()) : List.<JobResult>of(),
                        Named.as("results-select"))
                .to(
                        topics.results(),
                        Produced.with(Serdes.String(), WireSerdes.JOB_RESULT)
                                .withStreamPartitioner(new ResultPartitioner(config.partitioning()))
                                .withName("results-sink"));
        sink(
                out,
                "queues",
                v -> v instanceof Outbound.Queue q ? q.status() : null,
                topics.queues(),
                WireSerdes.QUEUE_STATUS);
        return builder.build();
    }

    /** A result to the partition of its model's routing key ({@link Partitioning}). */
    private record ResultPartitioner(Partitioning partitioning) implements StreamPartitioner<String, JobResult> {
        @Override
        public Optional<Set<Integer>> partitions(
                String topic, String key, JobResult value, Headers headers, int numPartitions) {
            return Optional.of(Set.of(partitioning.partition(value.model(), numPartitions)));
        }

        /** Required by the interface until its removal; Kafka Streams calls the variant with headers. */
        @Override
        @SuppressWarnings("removal")
        public Optional<Set<Integer>> partitions(String topic, String key, JobResult value, int numPartitions) {
            return partitions(topic, key, value, new RecordHeaders(), numPartitions);
        }
    }

    private static <T> void sink(
            KStream<String, Outbound> out,
            String name,
            Function<Outbound, @Nullable T> select,
            String topic,
            Serde<T> serde) {
        out.flatMapValues(
                        v -> {
                            T value = select.apply(v);
                            return value == null ? List.<T>of() : List.of(value);
                        },
                        Named.as(name + "-select"))
                .to(topic, Produced.with(Serdes.String(), serde).withName(name + "-sink"));
    }
}
