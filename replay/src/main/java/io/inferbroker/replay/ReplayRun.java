package io.inferbroker.replay;

import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of one background replay.
 *
 * @param read records read so far, of {@code total} (0 until the replay has planned its offsets)
 * @param report the written report, once {@link State#SUCCEEDED}
 * @param error why it failed, once {@link State#FAILED}
 */
public record ReplayRun(
        String id,
        ReplayRequest request,
        State state,
        long read,
        long total,
        Instant createdAt,
        Optional<Instant> finishedAt,
        Optional<String> report,
        Optional<String> error) {

    /** Where a run is. */
    public enum State {
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The media type of the report. */
    public String mediaType() {
        return switch (request.format()) {
            case TABLE -> "text/plain; charset=utf-8";
            case CSV -> "text/csv; charset=utf-8";
            case HTML -> "text/html; charset=utf-8";
            case JSON -> request.kind() == ReplayRequest.Kind.AUDIT ? "application/x-ndjson" : "application/json";
        };
    }
}
