package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.schemas.JsonSerde;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Creates one {@link BudgetProcessor} per task and declares its persistent, changelogged stores. */
final class BudgetProcessorSupplier implements ProcessorSupplier<String, Envelope, String, Outbound> {
    private final DispatcherConfig config;
    private final DispatcherMetrics metrics;

    BudgetProcessorSupplier(DispatcherConfig config, DispatcherMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public Processor<String, Envelope, String, Outbound> get() {
        return new BudgetProcessor(config, metrics);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.BUDGETS),
                        Serdes.String(),
                        JsonSerde.of(BudgetLedger.class)),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.RESERVATIONS),
                        Serdes.String(),
                        JsonSerde.of(Reservation.class)));
    }
}
