package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The workers every dispatcher instance sees, read from the global store of the compacted workers
 * topic. Reads only local state, never blocks.
 */
final class WorkerDirectory {
    private final ReadOnlyKeyValueStore<String, WorkerStatus> store;
    private final Duration lease;

    WorkerDirectory(ReadOnlyKeyValueStore<String, WorkerStatus> store, Duration lease) {
        this.store = store;
        this.lease = lease;
    }

    /** Workers that may receive work for {@code model} now. */
    List<WorkerStatus> usableFor(String model, Instant now) {
        List<WorkerStatus> usable = new ArrayList<>();
        try (KeyValueIterator<String, WorkerStatus> it = store.all()) {
            while (it.hasNext()) {
                WorkerStatus status = it.next().value;
                // null: a value the lenient store serde could not read.
                if (status != null && isUsable(status, model, now, lease)) {
                    usable.add(status);
                }
            }
        }
        return usable;
    }

    /**
     * A worker is usable for a model when it is active, healthy, lists the model and reported within
     * the lease. A status stamped in the future (clock skew) counts as fresh.
     */
    static boolean isUsable(WorkerStatus status, String model, Instant now, Duration lease) {
        return status.state() == WorkerState.ACTIVE
                && status.healthy()
                && status.models().contains(model)
                && !status.at().isBefore(now.minus(lease));
    }
}
