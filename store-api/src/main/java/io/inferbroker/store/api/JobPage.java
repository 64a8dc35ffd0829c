package io.inferbroker.store.api;

import java.util.List;
import java.util.Optional;

/**
 * One page of jobs, newest first.
 *
 * @param next where the following page starts; empty on the last page
 */
public record JobPage(List<StoredJob> jobs, Optional<JobQuery.Cursor> next) {
    public JobPage {
        jobs = List.copyOf(jobs);
    }
}
