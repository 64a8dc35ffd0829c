package io.inferbroker.dispatcher.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * In-memory index over one task's queued jobs: per model the jobs by the time they were queued (for
 * the oldest wait) and counts per priority, and all deadlines in time order (for expiry), so a tick
 * costs no store scan. Holds only ids and times; the jobs themselves are in {@link JobBook}'s
 * queues. Rebuilt from the active store when a task starts. Confined to one stream thread.
 */
final class QueueIndex {
    private record Meta(String model, int priority, long queuedAtMillis, long deadlineMillis) {}

    private record Stamp(long atMillis, String jobId) {}

    private static final Comparator<Stamp> BY_TIME =
            Comparator.comparingLong(Stamp::atMillis).thenComparing(Stamp::jobId);
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Map<String, Meta> jobs = new HashMap<>();
    private final Map<String, TreeSet<Stamp>> byModel = new HashMap<>();
    private final Map<String, TreeMap<Integer, Integer>> byPriority = new HashMap<>();
    private final TreeSet<Stamp> deadlines = new TreeSet<>(BY_TIME);

    void add(String model, String jobId, int priority, long queuedAtMillis, @Nullable Long deadlineMillis) {
        long deadline = deadlineMillis == null ? NO_DEADLINE : deadlineMillis;
        if (jobs.putIfAbsent(jobId, new Meta(model, priority, queuedAtMillis, deadline)) != null) {
            return;
        }
        byModel.computeIfAbsent(model, m -> new TreeSet<>(BY_TIME)).add(new Stamp(queuedAtMillis, jobId));
        byPriority.computeIfAbsent(model, m -> new TreeMap<>()).merge(priority, 1, Integer::sum);
        if (deadline != NO_DEADLINE) {
            deadlines.add(new Stamp(deadline, jobId));
        }
    }

    boolean contains(String jobId) {
        return jobs.containsKey(jobId);
    }

    void remove(String jobId) {
        Meta meta = jobs.remove(jobId);
        if (meta == null) {
            return;
        }
        TreeSet<Stamp> queue = byModel.get(meta.model());
        if (queue != null) {
            queue.remove(new Stamp(meta.queuedAtMillis(), jobId));
            if (queue.isEmpty()) {
                byModel.remove(meta.model());
            }
        }
        TreeMap<Integer, Integer> counts = byPriority.get(meta.model());
        if (counts != null) {
            counts.computeIfPresent(meta.priority(), (p, n) -> n > 1 ? n - 1 : null);
            if (counts.isEmpty()) {
                byPriority.remove(meta.model());
            }
        }
        if (meta.deadlineMillis() != NO_DEADLINE) {
            deadlines.remove(new Stamp(meta.deadlineMillis(), jobId));
        }
    }

    int size(String model) {
        TreeSet<Stamp> queue = byModel.get(model);
        return queue == null ? 0 : queue.size();
    }

    /** Jobs of {@code model} waiting, by priority; empty when none waits. */
    Map<Integer, Integer> sizeByPriority(String model) {
        TreeMap<Integer, Integer> counts = byPriority.get(model);
        return counts == null ? Map.of() : Map.copyOf(counts);
    }

    /** When the longest-waiting job of {@code model} was queued; empty when none waits. */
    OptionalLong oldestQueuedAt(String model) {
        TreeSet<Stamp> queue = byModel.get(model);
        if (queue == null || queue.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(queue.first().atMillis());
    }

    /** True when no job waits. */
    boolean isEmpty() {
        return jobs.isEmpty();
    }

    /** Models with at least one job waiting. */
    Set<String> models() {
        return Set.copyOf(byModel.keySet());
    }

    /** Jobs whose deadline is at or before {@code nowMillis}, earliest first. */
    List<String> pastDeadline(long nowMillis) {
        List<String> due = new ArrayList<>();
        for (Stamp d : deadlines) {
            if (d.atMillis() > nowMillis) {
                break;
            }
            due.add(d.jobId());
        }
        return due;
    }
}
