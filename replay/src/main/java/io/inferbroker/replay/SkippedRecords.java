package io.inferbroker.replay;

import java.util.List;

/**
 * Records a replay could not read (not JSON, or against the wire contract) and went past: a report
 * says how many and where the first ones are, so that one bad record neither stops it nor hides.
 *
 * @param count how many records were skipped
 * @param first where the first ones are and why, as {@code topic-partition@offset: reason}
 */
public record SkippedRecords(long count, List<String> first) {
    /** How many skipped records a report names. */
    public static final int NAMED = 20;

    public static final SkippedRecords NONE = new SkippedRecords(0, List.of());

    public SkippedRecords {
        first = List.copyOf(first);
    }
}
