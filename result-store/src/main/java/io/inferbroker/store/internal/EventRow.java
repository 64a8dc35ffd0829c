package io.inferbroker.store.internal;

import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The row {@link JobSql#UPSERT_EVENTS} merges into {@code jobs} for one non-terminal lifecycle event,
 * or for several events of one job folded into one row with the same effect as merging them one
 * after another. Terminal events have no row: a job's end comes from its result ({@link JobWriter}).
 */
record EventRow(
        String jobId,
        String tenantId,
        String model,
        JobStatus status,
        Instant at,
        @Nullable Instant dispatchedAt,
        @Nullable Instant startedAt,
        @Nullable String workerId,
        int attempt) {

    /** @throws IllegalArgumentException for a terminal event */
    static EventRow of(LifecycleEvent e) {
        JobStatus status = e.type().status();
        if (status.isTerminal()) {
            throw new IllegalArgumentException("terminal event of job " + e.jobId() + " has no event row");
        }
        return new EventRow(
                e.jobId(),
                e.tenantId(),
                e.model(),
                status,
                e.at(),
                e.type() == LifecycleType.DISPATCHED ? e.at() : null,
                e.type() == LifecycleType.STARTED ? e.at() : null,
                e.workerId(),
                e.attempt());
    }

    /**
     * One row merging like these events of one job merged in this order: status of the first event
     * of the highest rank (a later one of the same rank does not move the job), the
     * earliest time, each stage's first time, the last worker. Exact only when every event names its
     * worker and all are of one attempt (the worker rule compares each event's attempt with the
     * highest stored so far); empty otherwise, and the events are merged one by one.
     *
     * @param events at least one non-terminal event, all of one job, in arrival order
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
                    next.workerId(),
                    row.attempt());
        }
        return Optional.of(row);
    }
}
