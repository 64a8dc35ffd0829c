package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.WorkerStatus;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global workers store equal to the compacted workers topic: latest status per worker id. */
final class WorkerStoreUpdater implements Processor<String, WorkerStatus, Void, Void> {
    private final FleetVersion fleet;
    private KeyValueStore<String, WorkerStatus> store;

    WorkerStoreUpdater(FleetVersion fleet) {
        this.fleet = fleet;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.WORKERS);
    }

    @Override
    public void process(Record<String, WorkerStatus> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        fleet.changed();
    }
}
