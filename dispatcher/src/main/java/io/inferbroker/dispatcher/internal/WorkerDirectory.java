package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * The workers every dispatcher instance sees, read from the global store of the compacted workers
 * topic. Reads only local state, never blocks. Keeps the decoded fleet until the store changes
 * ({@link FleetVersion}). One per task.
 */
final class WorkerDirectory {
    private final ReadOnlyKeyValueStore<String, WorkerStatus> store;
    private final Duration lease;
    private final FleetVersion fleet;
    private List<WorkerStatus> decoded = List.of();
    private long decodedVersion = -2;

    WorkerDirectory(ReadOnlyKeyValueStore<String, WorkerStatus> store, Duration lease, FleetVersion fleet) {
        this.store = store;
        this.lease = lease;
        this.fleet = fleet;
    }

    WorkerDirectory(ReadOnlyKeyValueStore<String, WorkerStatus> store, Duration lease) {
        this(store, lease, FleetVersion.UNTRACKED);
    }

    /** Workers that may receive work for {@code model} now. */
    List<WorkerStatus> usableFor(String model, Instant now) {
        List<WorkerStatus> usable = new ArrayList<>();
        for (WorkerStatus status : all()) {
            if (isUsable(status, model, now, lease)) {
                usable.add(status);
            }
        }
        return usable;
    }

    private List<WorkerStatus> all() {
        long version = fleet.current();
        if (version == -1 || version != decodedVersion) {
            List<WorkerStatus> read = new ArrayList<>();
            try (KeyValueIterator<String, WorkerStatus> it = store.all()) {
                while (it.hasNext()) {
                    WorkerStatus status = it.next().value;
                    // null: a value the lenient store serde could not read.
                    if (status != null) {
                        read.add(status);
                    }
                }
            }
            decoded = read;
            decodedVersion = version;
        }
        return decoded;
    }

    /** The latest status of {@code workerId}; null when it never reported or was removed. */
    @Nullable
    WorkerStatus status(String workerId) {
        return store.get(workerId);
    }

    /**
     * Whether a worker that has jobs in flight is lost at {@code now}: removed from the topic,
     * reported {@code gone} (drained: what it did not finish it handed back), or silent for longer
     * than the lease. A draining worker is not lost: it still finishes its work.
     */
    boolean isLost(String workerId, Instant now) {
        return isLost(store.get(workerId), now);
    }

    /** {@link #isLost(String, Instant)} for a status already read (null: none). */
    boolean isLost(@Nullable WorkerStatus status, Instant now) {
        return status == null
                || status.state() == WorkerState.GONE
                || status.at().isBefore(now.minus(lease));
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
