package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The latest status of every worker, as workers publish it on the compacted workers topic (read by
 * its own {@link FanOutReader} from the beginning). For {@code GET /admin/workers}. Thread-safe: one
 * writer, any number of readers. Closing stops the reader, idempotently.
 */
public final class WorkerBoard implements AutoCloseable {
    private final Map<String, WorkerStatus> latest = new ConcurrentHashMap<>();
    private @Nullable FanOutReader reader;

    WorkerBoard() {}

    /** Starts reading the workers topic; returns at once (the board fills within moments). */
    public static WorkerBoard start(Properties kafkaClient, TopicNames topics) {
        WorkerBoard board = new WorkerBoard();
        board.reader = new FanOutReader(
                kafkaClient,
                topics.workers(),
                "ingress-worker-status",
                r -> board.update(r.key(), WireSerdes.WORKER_STATUS.deserialize(r.topic(), r.value())));
        return board;
    }

    /** Records the newest status of {@code workerId}; null (a tombstone) forgets the worker. */
    void update(String workerId, @Nullable WorkerStatus status) {
        if (status == null) {
            latest.remove(workerId);
        } else {
            latest.put(workerId, status);
        }
    }

    /** Every known worker's latest status, by worker id. */
    List<WorkerStatus> all() {
        return latest.values().stream()
                .sorted(Comparator.comparing(WorkerStatus::workerId))
                .toList();
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
        }
    }
}
