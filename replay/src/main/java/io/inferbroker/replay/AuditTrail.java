package io.inferbroker.replay;

import java.util.List;

/**
 * The timelines of the jobs an audit selected, each job's entries in time order, jobs in the order of
 * their first entry.
 *
 * @param jobs how many jobs the trail holds
 * @param truncated true when more jobs matched than the audit's limit allowed
 * @param skipped records that could not be read, left out of the timelines
 */
public record AuditTrail(
        ReplayRange range,
        List<AuditEntry> entries,
        int jobs,
        boolean truncated,
        long recordsRead,
        SkippedRecords skipped) {
    public AuditTrail {
        entries = List.copyOf(entries);
    }
}
