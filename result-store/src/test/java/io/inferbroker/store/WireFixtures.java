package io.inferbroker.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Wire records for tests: one chat job of a tenant, its lifecycle events and results. */
public final class WireFixtures {
    public static final String MODEL = "llama-3-8b";
    public static final Instant ACCEPTED = Instant.parse("2026-03-01T10:00:00.123456Z");

    private WireFixtures() {}

    public static JobRequested request(String jobId, String tenantId) {
        JsonNode input = JsonNodeFactory.instance
                .objectNode()
                .set(
                        "messages",
                        JsonNodeFactory.instance
                                .arrayNode()
                                .add(JsonNodeFactory.instance
                                        .objectNode()
                                        .put("role", "user")
                                        .put("content", "hello")));
        return new JobRequested(
                JobRequested.VERSION,
                jobId,
                tenantId,
                "key_test",
                MODEL,
                JobKind.CHAT,
                input,
                5,
                ACCEPTED.plus(Duration.ofMinutes(10)),
                null,
                Map.of("team", "search"),
                "idem-" + jobId,
                null,
                ACCEPTED);
    }

    public static LifecycleEvent event(
            String jobId,
            String tenantId,
            LifecycleType type,
            Duration afterAccept,
            @Nullable String worker,
            int attempt) {
        return new LifecycleEvent(
                LifecycleEvent.VERSION,
                jobId,
                tenantId,
                MODEL,
                type,
                ACCEPTED.plus(afterAccept),
                worker,
                attempt,
                null);
    }

    /** A succeeded result whose timings say dispatched +1 s, started +2 s, first token +3 s, completed +4 s. */
    public static JobResult succeeded(String jobId, String tenantId, String worker, int attempt, String text) {
        return new JobResult(
                JobResult.VERSION,
                jobId,
                tenantId,
                MODEL,
                JobStatus.SUCCEEDED,
                JsonNodeFactory.instance.objectNode().put("text", text),
                null,
                new Usage(12, 34),
                new Cost(new BigDecimal("0.000123"), "USD"),
                worker,
                attempt,
                new Timings(
                        ACCEPTED,
                        ACCEPTED.plusSeconds(1),
                        ACCEPTED.plusSeconds(2),
                        ACCEPTED.plusSeconds(3),
                        ACCEPTED.plusSeconds(4)));
    }

    /** A failed result that never reached a worker's dispatch or start. */
    public static JobResult failed(String jobId, String tenantId, String worker, int attempt) {
        return new JobResult(
                JobResult.VERSION,
                jobId,
                tenantId,
                MODEL,
                JobStatus.FAILED,
                null,
                new JobError("worker_error", "the model server answered 500"),
                null,
                null,
                worker,
                attempt,
                new Timings(ACCEPTED, null, null, null, ACCEPTED.plusSeconds(9)));
    }
}
