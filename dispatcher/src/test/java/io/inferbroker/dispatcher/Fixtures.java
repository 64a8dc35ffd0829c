package io.inferbroker.dispatcher;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.ControlAction;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.testkit.KafkaInfra;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.jspecify.annotations.Nullable;

/** Wire records for tests. */
public final class Fixtures {
    public static final String TENANT = "tenant-a";

    private Fixtures() {}

    public static JobRequested job(
            String jobId, String model, int priority, Instant acceptedAt, @Nullable Instant deadline) {
        return new JobRequested(
                JobRequested.VERSION,
                jobId,
                TENANT,
                "key-1",
                model,
                JobKind.CHAT,
                JsonNodeFactory.instance.objectNode().put("prompt", "hello " + jobId),
                priority,
                deadline,
                null,
                Map.of(),
                null,
                null,
                acceptedAt);
    }

    public static WorkerStatus worker(
            String workerId,
            int capacity,
            int inFlight,
            WorkerState state,
            boolean healthy,
            Instant at,
            String... models) {
        return worker(workerId, capacity, inFlight, state, healthy, 100.0, at, models);
    }

    public static WorkerStatus worker(
            String workerId,
            int capacity,
            int inFlight,
            WorkerState state,
            boolean healthy,
            double ttftMs,
            Instant at,
            String... models) {
        return new WorkerStatus(
                WorkerStatus.VERSION,
                workerId,
                "sim",
                List.of(models),
                state,
                capacity,
                inFlight,
                healthy,
                ttftMs,
                50.0,
                Price.free("USD"),
                "1.0",
                at);
    }

    /** An active, healthy worker with a speed and a price per million output tokens. */
    public static WorkerStatus priced(
            String workerId,
            int capacity,
            double ttftMs,
            double tokensPerSecond,
            String outputPerMillion,
            Instant at,
            String... models) {
        return new WorkerStatus(
                WorkerStatus.VERSION,
                workerId,
                "sim",
                List.of(models),
                WorkerState.ACTIVE,
                capacity,
                0,
                true,
                ttftMs,
                tokensPerSecond,
                new Price(BigDecimal.ZERO, new BigDecimal(outputPerMillion), BigDecimal.ZERO, "USD"),
                "1.0",
                at);
    }

    /** A job for a tenant, with {@code max_tokens} in its input. */
    public static JobRequested job(String jobId, String tenantId, String model, int maxTokens, Instant acceptedAt) {
        return new JobRequested(
                JobRequested.VERSION,
                jobId,
                tenantId,
                "key-1",
                model,
                JobKind.CHAT,
                JsonNodeFactory.instance.objectNode().put("prompt", "1234").put("max_tokens", maxTokens),
                5,
                null,
                null,
                Map.of(),
                null,
                null,
                acceptedAt);
    }

    /** A terminal result with a status, worker, attempt and optional cost. */
    public static JobResult result(
            String jobId,
            String tenantId,
            String model,
            JobStatus status,
            String workerId,
            int attempt,
            @Nullable String cost,
            Instant at) {
        return new JobResult(
                JobResult.VERSION,
                jobId,
                tenantId,
                model,
                status,
                null,
                status == JobStatus.FAILED ? new JobError("upstream_error", "the model server failed") : null,
                null,
                cost == null ? null : new Cost(new BigDecimal(cost), "USD"),
                workerId,
                attempt,
                new Timings(at, at, at, at, at));
    }

    public static JobResult succeeded(String jobId, String model, String workerId, Instant at) {
        return new JobResult(
                JobResult.VERSION,
                jobId,
                TENANT,
                model,
                JobStatus.SUCCEEDED,
                JsonNodeFactory.instance.textNode("done"),
                null,
                null,
                null,
                workerId,
                1,
                new Timings(at, at, at, at, at));
    }

    public static ControlCommand cancel(String jobId, String tenantId, Instant at) {
        return new ControlCommand(ControlCommand.VERSION, jobId, tenantId, ControlAction.CANCEL, "user asked", at);
    }

    /** The job ids of {@code batches}, in order. */
    public static List<String> jobIds(List<DispatchBatch> batches) {
        return batches.stream()
                .flatMap(b -> b.jobs().stream())
                .map(DispatchedJob::jobId)
                .toList();
    }

    /** Client settings for a dispatcher on {@code kafka} keeping its state in {@code stateDir}. */
    public static Properties streamsProps(KafkaInfra kafka, Path stateDir) {
        Properties props = kafka.clientProps();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }
}
