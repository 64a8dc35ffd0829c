package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.JsonSerde;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.jspecify.annotations.Nullable;

/**
 * The stores of one dispatcher task, in memory, as the processor finds them through its context:
 * the active store, the done store and the global workers store. Every write to the task's own
 * stores is kept in order ({@link #writes()}), as its changelog would have it, with the number of
 * records the processor had forwarded by then, so a test can rebuild the stores a stop would leave
 * ({@link #restore}).
 */
final class TaskStores {
    /** A write to the active or the done store, as its changelog records it. */
    record Write(String store, String key, @Nullable Object value, long window, int outputsBefore) {}

    private final Duration retention;
    private final KeyValueStore<String, ActiveJob> activeStore;
    private final WindowStore<String, DoneMark> doneStore;
    private final KeyValueStore<String, WorkerStatus> workers;
    private final List<Write> writes = new ArrayList<>();
    private IntSupplier outputs = () -> 0;

    private TaskStores(Duration retention, KeyValueStore<String, WorkerStatus> workers) {
        this.retention = retention;
        this.activeStore = init(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.ACTIVE), Serdes.String(), JsonSerde.of(ActiveJob.class))
                .withLoggingDisabled()
                .build());
        this.doneStore = init(Stores.windowStoreBuilder(
                        Stores.inMemoryWindowStore(
                                StoreNames.DONE, DoneJobs.storeRetention(retention), Duration.ofMillis(1), false),
                        Serdes.String(),
                        DoneMark.SERDE)
                .withLoggingDisabled()
                .build());
        this.workers = workers;
    }

    /** Empty stores for a dispatcher with the dedupe retention {@code retention}. */
    static TaskStores create(Duration retention) {
        return new TaskStores(
                retention,
                init(Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.WORKERS),
                                Serdes.String(),
                                WireSerdes.WORKER_STATUS)
                        .withLoggingDisabled()
                        .build()));
    }

    /** Gives the stores to a task's context; its forwards are counted with each write from now on. */
    void addTo(MockProcessorContext<?, ?> context) {
        outputs = () -> context.forwarded().size();
        context.addStateStore(recording(activeStore, KeyValueStore.class));
        context.addStateStore(recording(doneStore, WindowStore.class));
        context.addStateStore(workers);
    }

    KeyValueStore<String, ActiveJob> active() {
        return activeStore;
    }

    WindowStore<String, DoneMark> done() {
        return doneStore;
    }

    KeyValueStore<String, WorkerStatus> workers() {
        return workers;
    }

    /** Every write to the active and done stores so far, in order. */
    List<Write> writes() {
        return List.copyOf(writes);
    }

    /** The active store's records. */
    List<KeyValue<String, ActiveJob>> activeRecords() {
        List<KeyValue<String, ActiveJob>> all = new ArrayList<>();
        try (var it = activeStore.all()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    /**
     * New stores as a stop leaves them: the active store with the first {@code activeKept} of its
     * writes, the done store with the first {@code doneKept} of its writes (each changelog keeps a
     * prefix of what was sent to it), and these stores' workers (the global store is read back whole).
     */
    TaskStores restore(int activeKept, int doneKept) {
        TaskStores restored = new TaskStores(retention, workers);
        int active = 0;
        int done = 0;
        for (Write w : writes) {
            if (w.store().equals(StoreNames.ACTIVE) && active++ < activeKept) {
                restored.activeStore.put(w.key(), (ActiveJob) w.value());
            } else if (w.store().equals(StoreNames.DONE) && done++ < doneKept) {
                restored.doneStore.put(w.key(), (DoneMark) w.value(), w.window());
            }
        }
        return restored;
    }

    /** New stores as a stop leaves them when it kept the first {@code kept} writes of all. */
    TaskStores restore(int kept) {
        List<Write> prefix = writes.subList(0, kept);
        int active = (int)
                prefix.stream().filter(w -> w.store().equals(StoreNames.ACTIVE)).count();
        return restore(active, kept - active);
    }

    /** A view of {@code store} that records its writes. */
    private <S extends StateStore> StateStore recording(S store, Class<?> type) {
        return (StateStore) Proxy.newProxyInstance(
                TaskStores.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                    record(store.name(), method, args);
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void record(String store, Method method, Object @Nullable [] args) {
        String name = method.getName();
        if (args == null) {
            return;
        }
        if (name.equals("put") && args.length == 2) {
            writes.add(new Write(store, (String) args[0], args[1], 0, outputs.getAsInt()));
        } else if (name.equals("put") && args.length == 3) {
            writes.add(new Write(store, (String) args[0], args[1], (Long) args[2], outputs.getAsInt()));
        } else if (name.equals("delete")) {
            writes.add(new Write(store, (String) args[0], null, 0, outputs.getAsInt()));
        } else if (name.equals("putIfAbsent") || name.equals("putAll")) {
            throw new UnsupportedOperationException(name + " is not recorded");
        }
    }

    private static <S extends StateStore> S init(S store) {
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
