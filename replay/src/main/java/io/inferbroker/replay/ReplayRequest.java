package io.inferbroker.replay;

import java.util.List;
import java.util.Optional;

/**
 * A replay to run in the background with {@link ReplayRuns}.
 *
 * @param groupBy for cost reports
 * @param prices for cost reports: re-rate under this table
 * @param limit for audits: at most this many jobs
 */
public record ReplayRequest(
        Kind kind,
        ReplayRange range,
        ReplayFilter filter,
        List<GroupBy> groupBy,
        Optional<PriceTable> prices,
        ReportFormat format,
        int limit) {

    public ReplayRequest {
        groupBy = List.copyOf(groupBy);
        if (kind == Kind.AUDIT && (format == ReportFormat.CSV || format == ReportFormat.HTML)) {
            throw new IllegalArgumentException("an audit is written as table or json");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
    }

    /** What the replay produces. */
    public enum Kind {
        COST,
        AUDIT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
