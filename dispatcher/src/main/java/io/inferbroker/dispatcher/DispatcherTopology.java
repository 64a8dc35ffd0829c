package io.inferbroker.dispatcher;

import io.inferbroker.dispatcher.internal.DispatchProcessorSupplier;
import io.inferbroker.dispatcher.internal.Inbound;
import io.inferbroker.dispatcher.internal.Outbound;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.jspecify.annotations.Nullable;

/**
 * Builds the dispatcher's Kafka Streams topology. A pure function of its arguments: it starts nothing
 * and touches no network, so tests run it in {@code TopologyTestDriver}.
 *
 * <pre>
 * (tenants with a budget only:)
 * requests, results --> re-key by tenant --> [dispatcher-by-tenant repartition] --> budget processor
 *                                                                                   | admitted, or rejected
 * requests (job id) --\   (others directly)                                         v
 * results  (job id) ---+-- re-key by model group --> [dispatcher-by-model repartition] --> dispatcher processor
 * control  (job id) --/    (cancels: every partition)                               |  stores: jobs, queue,
 *                                                                                   |  outstanding, retire
 * workers (compacted) --> global store dispatcher-workers ---- read by ------------/
 *                                                                                   +--> dispatch (worker id)
 *                                                                                   +--> events   (job id)
 *                                                                                   +--> results  (job id)
 *                                                                                   +--> queues   (model)
 * </pre>
 */
public final class DispatcherTopology {
    private DispatcherTopology() {}

    /** The topology with each model's configured routing strategy and no metrics. */
    public static Topology build(DispatcherConfig config) {
        return build(config, DispatcherMetrics.noop());
    }

    /** The topology with each model's configured routing strategy. */
    public static Topology build(DispatcherConfig config, DispatcherMetrics metrics) {
        return assemble(config, null, metrics);
    }

    /**
     * The topology with one routing policy for every model, whatever their configured strategies
     * (tests, benchmarks, custom policies).
     *
     * @param policy shared by every task; see {@link RoutingPolicy} for its contract
     * @param metrics recorded by every task
     */
    public static Topology build(DispatcherConfig config, RoutingPolicy policy, DispatcherMetrics metrics) {
        return assemble(config, policy, metrics);
    }

    private static Topology assemble(
            DispatcherConfig config, @Nullable RoutingPolicy policy, DispatcherMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        Inbound inbound = Inbound.of(builder, config);
        KStream<String, Outbound> budgetOut = inbound.budgets(metrics);
        KStream<String, Outbound> out = inbound.byModel(budgetOut)
                .process(
                        new DispatchProcessorSupplier(config, policy, metrics, inbound.fleet()),
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
        sink(
                out,
                "results",
                v -> v instanceof Outbound.Result r ? r.result() : null,
                topics.results(),
                WireSerdes.JOB_RESULT);
        sink(
                out,
                "queues",
                v -> v instanceof Outbound.Queue q ? q.status() : null,
                topics.queues(),
                WireSerdes.QUEUE_STATUS);
        return builder.build();
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
