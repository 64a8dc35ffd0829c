package io.inferbroker.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.Usage;
import org.jspecify.annotations.Nullable;

/** How one job of a batch ended on the model server. */
public sealed interface JobOutcome {

    /** The model answered: its output JSON and the tokens it consumed. */
    record Succeeded(JsonNode output, Usage usage) implements JobOutcome {}

    /**
     * The job could not be completed.
     *
     * @param partialUsage tokens consumed before the failure, when known (for instance a cut stream)
     */
    record Failed(JobError error, @Nullable Usage partialUsage) implements JobOutcome {}

    /** A failure with a stable machine-readable {@code code} and no usage. */
    static JobOutcome failed(String code, String message) {
        return new Failed(new JobError(code, message), null);
    }
}
