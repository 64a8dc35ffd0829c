package io.inferbroker.store.internal;

import io.inferbroker.schemas.JobStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The webhook event types and how subscriptions' filters select them. A filter is an event type or
 * {@code job.*} (every event). A per-job webhook with no events gets the terminal ones.
 */
final class WebhookEvents {
    public static final String STARTED = "job.started";
    public static final String ALL = "job.*";
    /** Every event type, in lifecycle order. */
    public static final List<String> TYPES =
            List.of(STARTED, "job.succeeded", "job.failed", "job.canceled", "job.expired", "job.rejected");

    private static final Set<String> FILTERS =
            Set.of(ALL, STARTED, "job.succeeded", "job.failed", "job.canceled", "job.expired", "job.rejected");

    /** Lifecycle rank of the started event; terminal events share {@link #TERMINAL_RANK}. */
    public static final int STARTED_RANK = 2;

    public static final int TERMINAL_RANK = 3;

    private WebhookEvents() {}

    /** True when {@code filter} is an event type or {@code job.*}. */
    public static boolean isFilter(String filter) {
        return FILTERS.contains(filter);
    }

    /** The event a job reaching this terminal status sends; empty for non-terminal ones. */
    public static Optional<String> terminal(JobStatus status) {
        return status.isTerminal() ? Optional.of("job." + status.wireName()) : Optional.empty();
    }

    /** True when a subscription's filters select this event. */
    public static boolean subscribed(List<String> filters, String type) {
        return filters.contains(ALL) || filters.contains(type);
    }

    /** True when a per-job webhook's events select this one: the terminal events when none are named. */
    public static boolean selectedByJob(List<String> events, String type) {
        return events.isEmpty() ? !type.equals(STARTED) : subscribed(events, type);
    }
}
