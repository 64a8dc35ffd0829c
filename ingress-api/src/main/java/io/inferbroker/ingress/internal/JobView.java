package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.store.api.StoredJob;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A job as a stream opened here starts from: what the stream decides by (where the job stands, its
 * attempts, when it was created and completed, its output text) and the job object it sends when
 * the job is done. Made only by {@link #stored} and {@link #accepted}, so the fields and the body
 * always tell the same job. Immutable: the body is built once, here, and nobody modifies it.
 *
 * @param attempts the highest attempt number known (0 while the job only is accepted)
 * @param completedAt when the job finished; null while it has not
 * @param outputText the text of the job's output, when it has one
 * @param body the job object of the HTTP API, as sent in the stream's {@code done} event; read only
 */
record JobView(
        String id,
        JobStatus status,
        int attempts,
        Instant createdAt,
        @Nullable Instant completedAt,
        @Nullable String outputText,
        ObjectNode body) {

    /** The job as the result store has it. */
    static JobView stored(StoredJob job, JobJson json, String baseUrl) {
        return new JobView(
                job.id(),
                job.status(),
                job.attempts(),
                job.createdAt(),
                job.completedAt(),
                text(job.output()),
                json.stored(job, baseUrl));
    }

    /**
     * A job this instance accepted, before the result store has it, standing at {@code status}:
     * queued, or where its lifecycle events read here have taken it since.
     */
    static JobView accepted(JobRequested job, JobStatus status, JobJson json, String baseUrl) {
        return new JobView(job.jobId(), status, 0, job.acceptedAt(), null, null, json.accepted(job, status, baseUrl));
    }

    private static @Nullable String text(@Nullable JsonNode output) {
        JsonNode text = output == null ? null : output.get("text");
        return text != null && text.isTextual() ? text.asText() : null;
    }
}
