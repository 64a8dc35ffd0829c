package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.RoutingPolicy;
import io.inferbroker.schemas.JsonSerde;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.jspecify.annotations.Nullable;

/** Creates one {@link DispatchProcessor} per task and declares its persistent, changelogged stores. */
public final class DispatchProcessorSupplier implements ProcessorSupplier<String, Envelope, String, Outbound> {
    private final DispatcherConfig config;
    private final @Nullable RoutingPolicy override;
    private final DispatcherMetrics metrics;
    private final FleetVersion fleet;
    private final ResultsHorizon horizon;
    private final PollPacer pacer;

    /**
     * @param override the policy for every model instead of each model's configured strategy; null for those
     * @param fleet the changes of the global workers store ({@link Inbound#fleet()})
     * @param horizon how far a task must read its results before judging a worker's jobs unfinished
     * @param pacer told by each task when it next needs its tick
     */
    public DispatchProcessorSupplier(
            DispatcherConfig config,
            @Nullable RoutingPolicy override,
            DispatcherMetrics metrics,
            FleetVersion fleet,
            ResultsHorizon horizon,
            PollPacer pacer) {
        this.config = config;
        this.override = override;
        this.metrics = metrics;
        this.fleet = fleet;
        this.horizon = horizon;
        this.pacer = pacer;
    }

    /** A supplier whose processors read the workers store afresh for every decision, with a pacer no consumer reads. */
    public DispatchProcessorSupplier(
            DispatcherConfig config,
            @Nullable RoutingPolicy override,
            DispatcherMetrics metrics,
            ResultsHorizon horizon) {
        this(config, override, metrics, FleetVersion.UNTRACKED, horizon, new PollPacer(Duration.ZERO));
    }

    @Override
    public Processor<String, Envelope, String, Outbound> get() {
        return new DispatchProcessor(config, override, metrics, fleet, horizon, pacer);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.JOBS), Serdes.String(), JsonSerde.of(JobEntry.class)),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.QUEUE),
                        Serdes.String(),
                        JsonSerde.of(QueuedJob.class)),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.IN_FLIGHT),
                        Serdes.String(),
                        JsonSerde.of(InFlight.class)),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.RETIRE), Serdes.String(), Serdes.String()));
    }
}
