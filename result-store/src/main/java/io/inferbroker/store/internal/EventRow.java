package io.inferbroker.store.internal;

import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The row {@link JobSql#UPSERT_EVENTS} merges into {@code jobs} for one lifecycle event, or for
 * several events of one job folded into one row with the same effect as merging them one after
 * another.
 *
 * @param error set only for a terminal status
 */
record EventRow(
        String jobId,
        String tenantId,
        String model,
        JobStatus status,
        Instant at,
        @Nullable Instant dispatchedAt,
        @Nullable Instant startedAt,
        @Nullable Instant completedAt,
        @Nullable JobError error,
        @Nullable String workerId,
        int attempt) {

    static EventRow of(LifecycleEvent e) {
        JobStatus status = e.type().status();
        return new EventRow(
                e.jobId(),
                e.tenantId(),
                e.model(),
                status,
                e.at(),
                e.type() == LifecycleType.DISPATCHED ? e.at() : null,
                e.type() == LifecycleType.STARTED ? e.at() : null,
                status.isTerminal() ? e.at() : null,
                status.isTerminal() ? e.error() : null,
                e.workerId(),
                e.attempt());
    }

    /**
     * One row merging like these events of one job merged in this order: status and error of the
     * first event of the highest rank (a later one of the same rank does not move the job), the
     * earliest time, each stage's first time, the last worker. Exact only when every event names its
     * worker and all are of one attempt (the worker rule compares each event's attempt with the
     * highest stored so far); empty otherwise, and the events are merged one by one.
     *
     * @param events at least one event, all of one job, in arrival order
     */
    static Optional<EventRow> fold(List<LifecycleEvent> events) {
        LifecycleEvent first = events.getFirst();
        if (events.stream().anyMatch(e -> e.workerId() == null || e.attempt() != first.attempt())) {
            return Optional.empty();
        }
        EventRow row = of(first);
        for (LifecycleEvent e : events.subList(1, events.size())) {
            EventRow next = of(e);
            boolean raises = next.status().rank() > row.status().rank();
            row = new EventRow(
                    row.jobId(),
                    row.tenantId(),
                    row.model(),
                    raises ? next.status() : row.status(),
                    next.at().isBefore(row.at()) ? next.at() : row.at(),
                    row.dispatchedAt() != null ? row.dispatchedAt() : next.dispatchedAt(),
                    row.startedAt() != null ? row.startedAt() : next.startedAt(),
                    row.completedAt() != null ? row.completedAt() : next.completedAt(),
                    raises ? next.error() : row.error(),
                    next.workerId(),
                    row.attempt());
        }
        return Optional.of(row);
    }
}
