package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.WorkerLoad;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Decides, on each tick, which queue statuses of one task's models to publish: a model's status when
 * its depth, oldest job or worker loads changed, but at most once per {@link #MIN_INTERVAL}, and
 * unchanged at least every {@link #HEARTBEAT}, so readers can tell a live zero from a dispatcher that
 * stopped. Every model that had a queue since the task started keeps its heartbeat (models are few).
 * Each status lists the workers with jobs of the model in flight, and every worker whose breaker in
 * this task is not closed. Confined to one stream thread.
 */
final class QueueReporter {
    /** Bounds the rate of one model's statuses: a queue changing every millisecond is reported ten times a second. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** An unchanged status is repeated this often; readers treat one much older as stale. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private record Sent(
            int queued,
            @Nullable Instant oldest,
            List<WorkerLoad> loads,
            @Nullable Instant latestAccepted,
            Instant at) {}

    private final Map<String, Sent> sent = new HashMap<>();
    private final Map<String, Instant> latestAccepted = new HashMap<>();
    private @Nullable Instant nextDue;

    /**
     * Notes that a request of {@code model} accepted at {@code acceptedAt} was read, whatever became
     * of it: it is no longer on its way to the queue.
     */
    void read(String model, Instant acceptedAt) {
        latestAccepted.merge(model, acceptedAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** The statuses due at {@code now}, remembered as sent; in model order. */
    List<QueueStatus> due(JobBook book, Breakers breakers, Instant now) {
        Set<String> models = new TreeSet<>(sent.keySet());
        models.addAll(book.modelsWithQueue());
        Map<String, Breakers.State> open = breakers.notClosed(now);
        List<QueueStatus> due = new ArrayList<>();
        Instant next = null;
        for (String model : models) {
            int queued = book.queued(model);
            OptionalLong oldestMillis = book.oldestQueuedAt(model);
            Instant oldest = oldestMillis.isPresent() ? Instant.ofEpochMilli(oldestMillis.getAsLong()) : null;
            List<WorkerLoad> loads = loads(book.outstandingOf(model), open);
            Instant accepted = latestAccepted.get(model);
            Sent last = sent.get(model);
            Instant dueAt = last == null ? now : dueAt(last, queued, oldest, loads, accepted);
            if (!now.isBefore(dueAt)) {
                sent.put(model, new Sent(queued, oldest, loads, accepted, now));
                due.add(new QueueStatus(QueueStatus.VERSION, model, queued, oldest, now, loads, accepted));
                dueAt = now.plus(HEARTBEAT);
            }
            next = next == null || dueAt.isBefore(next) ? dueAt : next;
        }
        nextDue = next;
        return due;
    }

    /**
     * When the next status comes due if nothing else changes (the last {@link #due} call saw every
     * change so far); null when no model is reported.
     */
    @Nullable
    Instant nextDue() {
        return nextDue;
    }

    private static List<WorkerLoad> loads(Map<String, Integer> outstanding, Map<String, Breakers.State> open) {
        Map<String, WorkerLoad> byWorker = new TreeMap<>();
        outstanding.forEach((worker, n) -> byWorker.put(
                worker,
                new WorkerLoad(
                        worker,
                        n,
                        open.getOrDefault(worker, Breakers.State.CLOSED).wireName())));
        open.forEach((worker, state) -> byWorker.putIfAbsent(worker, new WorkerLoad(worker, 0, state.wireName())));
        return List.copyOf(byWorker.values());
    }

    /** When a model's next status is due: at its heartbeat, or as soon as allowed when it changed. */
    private static Instant dueAt(
            Sent last, int queued, @Nullable Instant oldest, List<WorkerLoad> loads, @Nullable Instant accepted) {
        boolean changed = last.queued() != queued
                || !Objects.equals(last.oldest(), oldest)
                || !last.loads().equals(loads)
                || !Objects.equals(last.latestAccepted(), accepted);
        return last.at().plus(changed ? MIN_INTERVAL : HEARTBEAT);
    }
}
