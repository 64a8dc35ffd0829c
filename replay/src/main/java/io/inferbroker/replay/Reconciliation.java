package io.inferbroker.replay;

import java.util.List;

/**
 * The outcome of comparing the topics with the result store over a range.
 *
 * @param jobsChecked jobs with at least one terminal result in the range
 * @param discrepancies every disagreement found, ordered by job id then kind
 * @param skipped records that could not be read, left out of the comparison
 */
public record Reconciliation(
        ReplayRange range,
        long jobsChecked,
        List<Discrepancy> discrepancies,
        long recordsRead,
        SkippedRecords skipped) {
    public Reconciliation {
        discrepancies = List.copyOf(discrepancies);
    }

    /** True when nothing disagrees. */
    public boolean clean() {
        return discrepancies.isEmpty();
    }
}
