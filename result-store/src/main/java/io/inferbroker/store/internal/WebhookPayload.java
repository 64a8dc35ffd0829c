package io.inferbroker.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.store.api.StoredJob;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The body of a webhook message, Standard Webhooks style: {@code {"type", "timestamp", "data"}} with
 * the job as the API shows it. A {@code job.started} message shows the job as it was then: running,
 * without outcome. Thread-safe.
 */
final class WebhookPayload {
    private final ObjectMapper mapper;

    WebhookPayload(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    String write(String type, StoredJob job, Instant now) {
        boolean started = type.equals(WebhookEvents.STARTED);
        ObjectNode root = mapper.createObjectNode().put("type", type).put("timestamp", now.toString());
        ObjectNode data = root.putObject("data");
        data.put("id", job.id()).put("object", "job");
        data.put("status", started ? "running" : job.status().wireName());
        data.put("model", job.model());
        time(data, "created_at", job.createdAt());
        time(data, "dispatched_at", job.dispatchedAt());
        time(data, "started_at", job.startedAt());
        time(data, "first_token_at", started ? null : job.firstTokenAt());
        time(data, "completed_at", started ? null : job.completedAt());
        if (started || job.output() == null) {
            data.putNull("output");
        } else {
            data.set("output", job.output());
        }
        if (started || job.error() == null) {
            data.putNull("error");
        } else {
            data.putObject("error")
                    .put("code", job.error().code())
                    .put("message", job.error().message());
        }
        if (started || job.usage() == null) {
            data.putNull("usage");
        } else {
            data.putObject("usage")
                    .put("prompt_tokens", job.usage().promptTokens())
                    .put("completion_tokens", job.usage().completionTokens());
        }
        if (started || job.cost() == null) {
            data.putNull("cost");
        } else {
            data.putObject("cost")
                    .put("amount", job.cost().amount())
                    .put("currency", job.cost().currency());
        }
        data.put("worker", job.workerId());
        data.put("attempts", job.attempts());
        ObjectNode metadata = data.putObject("metadata");
        job.metadata().forEach(metadata::put);
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the webhook payload of job " + job.id(), e);
        }
    }

    private static void time(ObjectNode o, String field, @Nullable Instant t) {
        if (t == null) {
            o.putNull(field);
        } else {
            o.put(field, t.toString());
        }
    }
}
