package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Usage;
import io.inferbroker.store.api.StoredJob;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Renders the public job object of the HTTP API. Every field is present; unknown ones are null. */
public final class JobJson {
    private final ObjectMapper mapper;

    public JobJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** JSON text of a job object, decimals written plainly ({@code 0.000001}, not {@code 1E-6}). */
    public String write(ObjectNode job) {
        try {
            return mapper.writeValueAsString(job);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write job " + job.path("id").asText(), e);
        }
    }

    /** A list object holding these job objects; the caller adds the paging fields. */
    public ObjectNode list(java.util.List<ObjectNode> jobs) {
        ObjectNode o = mapper.createObjectNode();
        o.put("object", "list");
        o.putArray("data").addAll(jobs);
        return o;
    }

    /** A job just accepted, before the store has seen it. */
    public ObjectNode accepted(JobRequested job, String baseUrl) {
        return accepted(job, JobStatus.QUEUED, baseUrl);
    }

    /**
     * A job accepted here, before the store has seen it, standing at {@code status} by the lifecycle
     * events this instance read of it.
     */
    public ObjectNode accepted(JobRequested job, JobStatus status, String baseUrl) {
        ObjectNode o = head(job.jobId(), status, job.model(), job.acceptedAt());
        timestamps(o, null, null, null, null);
        o.putNull("output");
        o.putNull("error");
        o.putNull("usage");
        o.putNull("cost");
        o.putNull("worker");
        o.put("attempts", 0);
        metadata(o, job.metadata());
        urls(o, job.jobId(), baseUrl);
        return o;
    }

    public ObjectNode stored(StoredJob job, String baseUrl) {
        ObjectNode o = head(job.id(), job.status(), job.model(), job.createdAt());
        timestamps(o, job.dispatchedAt(), job.startedAt(), job.firstTokenAt(), job.completedAt());
        o.set("output", job.output());
        if (job.error() == null) {
            o.putNull("error");
        } else {
            o.putObject("error")
                    .put("code", job.error().code())
                    .put("message", job.error().message());
        }
        usage(o, job.usage());
        cost(o, job.cost());
        o.put("worker", job.workerId());
        o.put("attempts", job.attempts());
        metadata(o, job.metadata());
        urls(o, job.id(), baseUrl);
        return o;
    }

    /**
     * A finished job built from its result, for when the store has not caught up with it yet.
     *
     * @param metadata the job's metadata, known from its request
     */
    public ObjectNode finished(JobResult result, Map<String, String> metadata, String baseUrl) {
        var t = result.timings();
        ObjectNode o = head(result.jobId(), result.status(), result.model(), t.acceptedAt());
        timestamps(o, t.dispatchedAt(), t.startedAt(), t.firstTokenAt(), t.completedAt());
        o.set("output", result.output());
        error(o, result.error());
        usage(o, result.usage());
        cost(o, result.cost());
        o.put("worker", result.workerId());
        o.put("attempts", result.attempt());
        metadata(o, metadata);
        urls(o, result.jobId(), baseUrl);
        return o;
    }

    private static void error(ObjectNode o, @Nullable JobError error) {
        if (error == null) {
            o.putNull("error");
        } else {
            o.putObject("error").put("code", error.code()).put("message", error.message());
        }
    }

    private static void usage(ObjectNode o, @Nullable Usage usage) {
        if (usage == null) {
            o.putNull("usage");
        } else {
            o.putObject("usage")
                    .put("prompt_tokens", usage.promptTokens())
                    .put("completion_tokens", usage.completionTokens())
                    .put("total_tokens", usage.totalTokens());
        }
    }

    private static void cost(ObjectNode o, @Nullable Cost cost) {
        if (cost == null) {
            o.putNull("cost");
        } else {
            o.putObject("cost").put("amount", cost.amount()).put("currency", cost.currency());
        }
    }

    private ObjectNode head(String id, JobStatus status, String model, Instant createdAt) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", id);
        o.put("object", "job");
        o.put("status", status.wireName());
        o.put("model", model);
        o.put("created_at", createdAt.toString());
        return o;
    }

    private static void timestamps(
            ObjectNode o,
            @Nullable Instant dispatched,
            @Nullable Instant started,
            @Nullable Instant firstToken,
            @Nullable Instant completed) {
        put(o, "dispatched_at", dispatched);
        put(o, "started_at", started);
        put(o, "first_token_at", firstToken);
        put(o, "completed_at", completed);
    }

    private static void put(ObjectNode o, String field, @Nullable Instant at) {
        if (at == null) {
            o.putNull(field);
        } else {
            o.put(field, at.toString());
        }
    }

    private void metadata(ObjectNode o, Map<String, String> metadata) {
        JsonNode node = mapper.valueToTree(metadata);
        o.set("metadata", node);
    }

    private static void urls(ObjectNode o, String id, String baseUrl) {
        String self = baseUrl + "/v1/jobs/" + id;
        o.putObject("urls").put("get", self).put("cancel", self + "/cancel").put("stream", self + "/stream");
    }
}
