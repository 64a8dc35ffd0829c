package io.inferbroker.schemas;

import java.util.List;

/** A per-job webhook: where to deliver, and which events (empty = all terminal events). */
public record WebhookTarget(String url, List<String> events) {
    public WebhookTarget {
        events = List.copyOf(events);
    }
}
