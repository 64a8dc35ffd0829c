package io.inferbroker.replay;

import java.util.List;

/**
 * The timelines of the jobs an audit selected, each job's entries in time order, jobs in the order of
 * their first entry.
 *
 * @param jobs how many jobs the trail holds
 * @param truncated true when more jobs matched than the audit's limit allowed
 */
public record AuditTrail(ReplayRange range, List<AuditEntry> entries, int jobs, boolean truncated, long recordsRead) {
    public AuditTrail {
        entries = List.copyOf(entries);
    }
}
