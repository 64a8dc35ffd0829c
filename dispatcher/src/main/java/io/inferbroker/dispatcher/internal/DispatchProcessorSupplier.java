package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.RoutingPolicy;
import io.inferbroker.schemas.JsonSerde;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.jspecify.annotations.Nullable;

/**
 * Creates one {@link DispatchProcessor} per task, with these settings, and declares its persistent,
 * changelogged stores.
 *
 * @param override the policy for every model instead of each model's configured strategy; null for those
 * @param fleet the changes of the global workers store ({@link Inbound#fleet()})
 * @param horizon how far a task must read its results before judging a worker's jobs unfinished
 * @param pacer told by each task when it next needs its tick
 * @param carryOver whether the stores of the earlier layout exist: they are declared, and each
 *     task moves their jobs into the current stores when it opens ({@link LegacyStores})
 */
public record DispatchProcessorSupplier(
        DispatcherConfig config,
        @Nullable RoutingPolicy override,
        DispatcherMetrics metrics,
        FleetVersion fleet,
        ResultsHorizon horizon,
        PollPacer pacer,
        boolean carryOver)
        implements ProcessorSupplier<String, Envelope, String, Outbound> {

    /** A supplier whose processors read the workers store afresh for every decision, with a pacer no consumer reads. */
    public DispatchProcessorSupplier(
            DispatcherConfig config,
            @Nullable RoutingPolicy override,
            DispatcherMetrics metrics,
            ResultsHorizon horizon) {
        this(config, override, metrics, FleetVersion.UNTRACKED, horizon, new PollPacer(Duration.ZERO), false);
    }

    @Override
    public Processor<String, Envelope, String, Outbound> get() {
        return new DispatchProcessor(this);
    }

    /**
     * The task's stores: its active jobs (key-value) and the ids it is done with (a window store that
     * drops its segments as time passes). Both persistent and changelogged, without record caching:
     * a cached write would reach the changelog only at the next flush, while dispatch batches go out
     * at once.
     */
    @Override
    public Set<StoreBuilder<?>> stores() {
        Set<StoreBuilder<?>> stores = new HashSet<>(current());
        if (carryOver) {
            stores.addAll(LegacyStores.builders());
        }
        return stores;
    }

    private Set<StoreBuilder<?>> current() {
        return Set.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ACTIVE),
                        Serdes.String(),
                        JsonSerde.of(ActiveJob.class)),
                Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(
                                StoreNames.DONE,
                                DoneJobs.storeRetention(config.dedupeRetention()),
                                Duration.ofMillis(1),
                                false),
                        Serdes.String(),
                        DoneMark.SERDE));
    }
}
