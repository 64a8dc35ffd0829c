package io.inferbroker.dispatcher.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * In-memory index over one task's queued jobs: per model the jobs in admission order (for the oldest
 * wait), and all deadlines in time order (for expiry), so a tick costs no store scan. Holds only ids
 * and times; the jobs themselves stay in the queue store. Rebuilt from the store when a task starts.
 * Confined to one stream thread.
 */
final class QueueIndex {
    private record Meta(String model, long queuedAtMillis, long deadlineMillis) {}

    private record Deadline(long atMillis, String jobId) {}

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Map<String, Meta> jobs = new HashMap<>();
    private final Map<String, LinkedHashSet<String>> byModel = new HashMap<>();
    private final TreeSet<Deadline> deadlines =
            new TreeSet<>(Comparator.comparingLong(Deadline::atMillis).thenComparing(Deadline::jobId));

    /** Adds a job; jobs of one model must be added in admission order. */
    void add(String model, String jobId, long queuedAtMillis, @Nullable Long deadlineMillis) {
        long deadline = deadlineMillis == null ? NO_DEADLINE : deadlineMillis;
        if (jobs.putIfAbsent(jobId, new Meta(model, queuedAtMillis, deadline)) != null) {
            return;
        }
        byModel.computeIfAbsent(model, m -> new LinkedHashSet<>()).add(jobId);
        if (deadline != NO_DEADLINE) {
            deadlines.add(new Deadline(deadline, jobId));
        }
    }

    void remove(String jobId) {
        Meta meta = jobs.remove(jobId);
        if (meta == null) {
            return;
        }
        LinkedHashSet<String> queue = byModel.get(meta.model());
        if (queue != null) {
            queue.remove(jobId);
            if (queue.isEmpty()) {
                byModel.remove(meta.model());
            }
        }
        if (meta.deadlineMillis() != NO_DEADLINE) {
            deadlines.remove(new Deadline(meta.deadlineMillis(), jobId));
        }
    }

    int size(String model) {
        LinkedHashSet<String> queue = byModel.get(model);
        return queue == null ? 0 : queue.size();
    }

    /** When the longest-waiting job of {@code model} was admitted; empty when none waits. */
    OptionalLong oldestQueuedAt(String model) {
        LinkedHashSet<String> queue = byModel.get(model);
        if (queue == null || queue.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(jobs.get(queue.getFirst()).queuedAtMillis());
    }

    /** Models with at least one job waiting. */
    Set<String> models() {
        return Set.copyOf(byModel.keySet());
    }

    /** Jobs whose deadline is at or before {@code nowMillis}, earliest first. */
    List<String> pastDeadline(long nowMillis) {
        List<String> due = new ArrayList<>();
        for (Deadline d : deadlines) {
            if (d.atMillis() > nowMillis) {
                break;
            }
            due.add(d.jobId());
        }
        return due;
    }
}
