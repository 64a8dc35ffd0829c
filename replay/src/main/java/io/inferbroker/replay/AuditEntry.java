package io.inferbroker.replay;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One step of a job's timeline.
 *
 * @param fields the step's facts by wire name (such as {@code api_key_id}, {@code idempotency_key},
 *     {@code status}, {@code cost}, {@code outcome}), in a stable order
 * @param detail the same facts as one readable line
 * @param source the record it came from, as {@code topic-partition@offset}
 */
public record AuditEntry(
        Instant at,
        String jobId,
        AuditEvent event,
        @Nullable String tenantId,
        @Nullable String workerId,
        @Nullable Integer attempt,
        Map<String, String> fields,
        String detail,
        String source) {

    public AuditEntry {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
