package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JsonSerde;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerStatus;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.jspecify.annotations.Nullable;

/**
 * The dispatcher's inputs: the global workers store; requests and results read directly from their
 * topics (their writers pick the partition of the owning task), cancels and budget admissions through
 * one repartition topic, all as one stream of {@link Envelope}s; and, when any tenant has a budget,
 * the budget stage those tenants' requests and results pass first, re-keyed by tenant.
 */
public final class Inbound {
    private final StreamsBuilder builder;
    private final DispatcherConfig config;
    private final Partitioning partitioning;
    private final KStream<String, JobRequested> requests;
    private final KStream<String, ResultHeader> results;
    private final FleetVersion fleet;

    private Inbound(StreamsBuilder builder, DispatcherConfig config, FleetVersion fleet) {
        this.builder = builder;
        this.fleet = fleet;
        this.config = config;
        this.partitioning = config.partitioning();
        TopicNames topics = config.topics();
        this.requests = builder.stream(
                topics.requests(),
                Consumed.<String, JobRequested>with(Serdes.String(), WireSerdes.JOB_REQUESTED)
                        .withName("requests-source"));
        this.results = builder.stream(
                topics.results(),
                Consumed.<String, ResultHeader>with(Serdes.String(), ResultHeader.SERDE)
                        .withName("results-source"));
    }

    /** Reads the inputs of {@code config} into {@code builder}, with the global workers store. */
    public static Inbound of(StreamsBuilder builder, DispatcherConfig config) {
        FleetVersion fleet = new FleetVersion();
        addWorkersStore(builder, config.topics(), fleet);
        return new Inbound(builder, config, fleet);
    }

    /** Counts the changes of the global workers store, for readers that keep it decoded. */
    public FleetVersion fleet() {
        return fleet;
    }

    /** Adds the global store of worker statuses, filled from the compacted workers topic. */
    static void addWorkersStore(StreamsBuilder builder, TopicNames topics, FleetVersion fleet) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.WORKERS),
                                Serdes.String(),
                                new LenientSerde<>(WireSerdes.WORKER_STATUS))
                        .withLoggingDisabled(),
                topics.workers(),
                Consumed.<String, WorkerStatus>with(Serdes.String(), WireSerdes.WORKER_STATUS)
                        .withName("workers-source"),
                () -> new WorkerStoreUpdater(fleet));
    }

    /**
     * The budget stage: requests and results of tenants with a budget, re-keyed by tenant, judged by
     * {@link BudgetProcessor}. Null when no tenant has a budget (then nothing takes the extra hop).
     */
    public @Nullable KStream<String, Outbound> budgets(DispatcherMetrics metrics) {
        if (config.budgets().isEmpty()) {
            return null;
        }
        KStream<String, Envelope> admits = requests.flatMap(
                (jobId, job) -> job != null && hasBudget(job.tenantId())
                        ? List.of(KeyValue.pair(job.tenantId(), (Envelope) new Envelope.Admit(job)))
                        : List.of(),
                Named.as("requests-by-tenant"));
        KStream<String, Envelope> settles = results.flatMap(
                (jobId, r) -> r != null && hasBudget(r.tenantId())
                        ? List.of(KeyValue.pair(r.tenantId(), finishOf(r)))
                        : List.of(),
                Named.as("results-by-tenant"));
        return admits.merge(settles, Named.as("merge-budget-results"))
                .repartition(Repartitioned.<String, Envelope>as(StoreNames.BY_TENANT)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(JsonSerde.of(Envelope.class)))
                .process(new BudgetProcessorSupplier(config, metrics), Named.as("budget"));
    }

    /**
     * Everything the dispatch processor reads. Requests (of tenants without a budget) and results
     * come straight from their topics, without a repartition: the ingress writes a model's requests
     * to the partition of its routing group ({@link io.inferbroker.schemas.Partitioning}) and workers
     * write results to the partition of the task that dispatched them
     * ({@link io.inferbroker.schemas.DispatchBatch#replyPartition()}), so partition i of both belongs
     * to the task that owns those models. Only what cannot know its partition takes the repartition
     * topic: cancels (a control command names only the job: sent to every partition) and jobs
     * admitted by the budget stage (keyed by tenant there; re-keyed by routing group here).
     */
    public KStream<String, Envelope> byModel(@Nullable KStream<String, Outbound> budgetOut) {
        KStream<String, Envelope> admits = requests.flatMapValues(
                job -> job == null || hasBudget(job.tenantId())
                        ? List.<Envelope>of()
                        : List.<Envelope>of(new Envelope.Admit(job)),
                Named.as("requests-to-admit"));
        KStream<String, Envelope> finishes = results.flatMapValues(
                r -> r == null ? List.<Envelope>of() : List.of(finishOf(r)), Named.as("results-to-finish"));
        KStream<String, Envelope> routed = builder.stream(
                        config.topics().control(),
                        Consumed.<String, ControlCommand>with(Serdes.String(), WireSerdes.CONTROL_COMMAND)
                                .withName("control-source"))
                .flatMap((jobId, c) -> cancelOf(c), Named.as("control-to-cancel"));
        if (budgetOut != null) {
            routed = routed.merge(
                    budgetOut.flatMap(
                            (key, out) -> out instanceof Outbound.Admitted a
                                    ? List.of(KeyValue.pair(
                                            partitioning.routingKey(a.job().model()),
                                            (Envelope) new Envelope.Admit(a.job())))
                                    : List.of(),
                            Named.as("admitted-by-model")),
                    Named.as("merge-admitted"));
        }
        KStream<String, Envelope> repartitioned =
                routed.repartition(Repartitioned.<String, Envelope>as(StoreNames.BY_MODEL)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(JsonSerde.of(Envelope.class))
                        .withStreamPartitioner(new CancelBroadcastPartitioner()));
        return admits.merge(finishes, Named.as("merge-results")).merge(repartitioned, Named.as("merge-routed"));
    }

    private boolean hasBudget(String tenantId) {
        return config.budgets().containsKey(tenantId);
    }

    private static Envelope finishOf(ResultHeader r) {
        return new Envelope.Finish(r.jobId(), r.model(), r.tenantId(), r.status(), r.workerId(), r.cost());
    }

    private static List<KeyValue<String, Envelope>> cancelOf(ControlCommand command) {
        if (command == null) {
            return List.of();
        }
        return switch (command.action()) {
            case CANCEL ->
                List.of(KeyValue.pair(
                        command.jobId(), new Envelope.Cancel(command.jobId(), command.tenantId(), command.reason())));
        };
    }
}
