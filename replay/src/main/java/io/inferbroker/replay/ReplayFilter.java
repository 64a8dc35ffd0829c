package io.inferbroker.replay;

import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which jobs a replay looks at: each present criterion must hold; an empty filter takes every job.
 *
 * @param jobIds only these jobs, when not empty
 */
public record ReplayFilter(
        Optional<String> tenant, Optional<String> model, Optional<String> worker, Set<String> jobIds) {

    public ReplayFilter {
        jobIds = Set.copyOf(jobIds);
    }

    public static ReplayFilter all() {
        return new ReplayFilter(Optional.empty(), Optional.empty(), Optional.empty(), Set.of());
    }

    /** True when a job with these facts passes every criterion; an unknown (null) worker fails a worker filter. */
    public boolean matches(String jobId, String tenantId, String modelId, @Nullable String workerId) {
        return matchesJob(jobId)
                && tenant.map(tenantId::equals).orElse(true)
                && model.map(modelId::equals).orElse(true)
                && worker.map(w -> w.equals(workerId)).orElse(true);
    }

    /** True when the job-id criterion lets this job through. */
    public boolean matchesJob(String jobId) {
        return jobIds.isEmpty() || jobIds.contains(jobId);
    }

    /** True when only job ids are asked for, so a record key alone decides. */
    public boolean byJobIdOnly() {
        return !jobIds.isEmpty() && tenant.isEmpty() && model.isEmpty() && worker.isEmpty();
    }
}
