package io.inferbroker.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.WireJson;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** Dispatched jobs and batches for tests. */
public final class Jobs {
    public static final Instant ACCEPTED = Instant.parse("2026-01-01T00:00:00Z");
    public static final Instant DISPATCHED = ACCEPTED.plusMillis(5);
    private static final ObjectMapper JSON = WireJson.newMapper();

    private Jobs() {}

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DispatchedJob job(String jobId, JobKind kind, String input) {
        return new DispatchedJob(jobId, "tenant-1", kind, json(input), 1, 0, null, ACCEPTED);
    }

    /** A chat job whose only user message is {@code text}. */
    public static DispatchedJob chat(String jobId, String text) {
        return job(jobId, JobKind.CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
    }

    public static DispatchBatch batch(String workerId, String model, DispatchedJob... jobs) {
        return new DispatchBatch(
                DispatchBatch.VERSION, "batch-" + jobs.length, workerId, model, DISPATCHED, List.of(jobs));
    }
}
