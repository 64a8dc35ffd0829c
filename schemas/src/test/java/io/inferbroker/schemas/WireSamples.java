package io.inferbroker.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Realistic values of every topic: {@link #full} sets every optional field, {@link #minimal} leaves
 * every optional field null (and collections empty where the record allows it).
 */
final class WireSamples {
    static final ObjectMapper MAPPER = WireJson.newMapper();

    private static final Instant ACCEPTED = Instant.parse("2025-06-01T12:00:00.123456Z");
    private static final Instant DISPATCHED = Instant.parse("2025-06-01T12:00:00.250Z");
    private static final Instant STARTED = Instant.parse("2025-06-01T12:00:00.300Z");
    private static final Instant FIRST_TOKEN = Instant.parse("2025-06-01T12:00:00.412Z");
    private static final Instant COMPLETED = Instant.parse("2025-06-01T12:00:03.870Z");
    private static final String JOB_ID = "job_01JXA7Q4M2N8V5R3T9K6P0W1ZC";
    private static final String TENANT = "acme";
    private static final String MODEL = "llama-3.1-8b-instruct";
    private static final String WORKER = "worker-gpu-a-0";

    private WireSamples() {}

    /** The serde other modules use for the topic's values. */
    static JsonSerde<?> serde(Topic topic) {
        return switch (topic) {
            case REQUESTS -> WireSerdes.JOB_REQUESTED;
            case CONTROL -> WireSerdes.CONTROL_COMMAND;
            case DISPATCH -> WireSerdes.DISPATCH_BATCH;
            case TOKENS -> WireSerdes.TOKEN_DELTA;
            case RESULTS -> WireSerdes.JOB_RESULT;
            case EVENTS -> WireSerdes.LIFECYCLE_EVENT;
            case WORKERS -> WireSerdes.WORKER_STATUS;
            case WEBHOOKS -> WireSerdes.WEBHOOK_DELIVERY;
            case QUEUES -> WireSerdes.QUEUE_STATUS;
            case DEAD_LETTERS -> WireSerdes.DEAD_LETTER;
        };
    }

    /** Serialises a value of the topic's type with the topic's serde. */
    static byte[] write(Topic topic, Object value) {
        return writeTyped(serde(topic), topic, value);
    }

    /** Deserialises bytes with the topic's serde. */
    static Object read(Topic topic, byte[] bytes) {
        Object value = serde(topic).deserialize(topic.baseName(), bytes);
        if (value == null) {
            throw new AssertionError("a non-null payload read as null");
        }
        return value;
    }

    private static <T> byte[] writeTyped(JsonSerde<T> serde, Topic topic, Object value) {
        byte[] bytes = serde.serialize(topic.baseName(), serde.type().cast(value));
        if (bytes == null) {
            throw new AssertionError("a non-null value wrote as null");
        }
        return bytes;
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Object full(Topic topic) {
        return switch (topic) {
            case REQUESTS -> fullRequest();
            case CONTROL ->
                new ControlCommand(
                        ControlCommand.VERSION, JOB_ID, TENANT, ControlAction.CANCEL, "client canceled", STARTED);
            case DISPATCH ->
                new DispatchBatch(
                        DispatchBatch.VERSION,
                        "batch-000123",
                        WORKER,
                        MODEL,
                        DISPATCHED,
                        List.of(dispatched(JOB_ID, Instant.parse("2025-06-01T12:05:00Z")), dispatched("job_2", null)),
                        List.of("job_0"),
                        3,
                        "run-7f3a");
            case TOKENS -> new TokenDelta(TokenDelta.VERSION, JOB_ID, 1, 7, 0, " tickets", FIRST_TOKEN);
            case RESULTS ->
                new JobResult(
                        JobResult.VERSION,
                        JOB_ID,
                        TENANT,
                        MODEL,
                        JobStatus.FAILED,
                        json("{\"text\":\"The customer reports\",\"finish_reason\":\"error\"}"),
                        new JobError("worker_lost", "the worker stopped reporting mid-stream"),
                        new Usage(212, 3),
                        new Cost(new BigDecimal("0.0000425"), "USD"),
                        WORKER,
                        2,
                        new Timings(ACCEPTED, DISPATCHED, STARTED, FIRST_TOKEN, COMPLETED));
            case EVENTS ->
                new LifecycleEvent(
                        LifecycleEvent.VERSION,
                        JOB_ID,
                        TENANT,
                        MODEL,
                        LifecycleType.REQUEUED,
                        COMPLETED,
                        WORKER,
                        1,
                        new JobError("worker_lost", "no status from worker-gpu-a-0 for 10s"));
            case WORKERS -> fullWorkerStatus();
            case WEBHOOKS ->
                new WebhookDelivery(
                        WebhookDelivery.VERSION,
                        "msg_2Lh9s0Qm",
                        JOB_ID,
                        TENANT,
                        "job.succeeded",
                        "https://hooks.acme.example/inference",
                        3,
                        DeliveryOutcome.FAILED,
                        503,
                        "503 Service Unavailable",
                        COMPLETED,
                        Instant.parse("2025-06-01T12:10:03.870Z"));
            case QUEUES ->
                new QueueStatus(
                        QueueStatus.VERSION,
                        MODEL,
                        17,
                        ACCEPTED,
                        STARTED,
                        List.of(new WorkerLoad(WORKER, 3, "closed"), new WorkerLoad("worker-2", 0, "open")));
            case DEAD_LETTERS -> fullDeadLetter();
        };
    }

    private static JobRequested fullRequest() {
        return new JobRequested(
                JobRequested.VERSION,
                JOB_ID,
                TENANT,
                "key_7f3a",
                MODEL,
                JobKind.CHAT,
                chatInput(),
                1,
                Instant.parse("2025-06-01T12:05:00Z"),
                new WebhookTarget("https://hooks.acme.example/inference", List.of("job.succeeded", "job.failed")),
                Map.of("ticket", "SUP-4411", "team", "support"),
                "b3f1c2d4-idem",
                "ingress-2",
                ACCEPTED);
    }

    static Object minimal(Topic topic) {
        return switch (topic) {
            case REQUESTS ->
                new JobRequested(
                        JobRequested.VERSION,
                        JOB_ID,
                        TENANT,
                        "key_7f3a",
                        "bge-small-en",
                        JobKind.EMBEDDING,
                        json("{\"input\":\"hello\"}"),
                        5,
                        null,
                        null,
                        Map.of(),
                        null,
                        null,
                        ACCEPTED);
            case CONTROL ->
                new ControlCommand(ControlCommand.VERSION, JOB_ID, TENANT, ControlAction.CANCEL, null, STARTED);
            case DISPATCH ->
                new DispatchBatch(
                        DispatchBatch.VERSION,
                        "batch-000124",
                        WORKER,
                        MODEL,
                        DISPATCHED,
                        List.of(dispatched(JOB_ID, null)));
            case TOKENS -> new TokenDelta(TokenDelta.VERSION, JOB_ID, 1, 1, 0, "", FIRST_TOKEN);
            case RESULTS ->
                new JobResult(
                        JobResult.VERSION,
                        JOB_ID,
                        TENANT,
                        MODEL,
                        JobStatus.EXPIRED,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0,
                        new Timings(ACCEPTED, null, null, null, COMPLETED));
            case EVENTS ->
                new LifecycleEvent(
                        LifecycleEvent.VERSION, JOB_ID, TENANT, MODEL, LifecycleType.QUEUED, ACCEPTED, null, 0, null);
            case WORKERS ->
                new WorkerStatus(
                        WorkerStatus.VERSION,
                        "worker-sim-1",
                        "sim",
                        List.of(),
                        WorkerState.GONE,
                        0,
                        0,
                        false,
                        0.0,
                        0.0,
                        Price.free("EUR"),
                        "",
                        COMPLETED);
            case WEBHOOKS ->
                new WebhookDelivery(
                        WebhookDelivery.VERSION,
                        "msg_2Lh9s0Qm",
                        JOB_ID,
                        TENANT,
                        "job.expired",
                        "http://10.0.0.7/hook",
                        1,
                        DeliveryOutcome.REFUSED,
                        null,
                        null,
                        COMPLETED,
                        null);
            case QUEUES -> new QueueStatus(QueueStatus.VERSION, "bge-small-en", 0, null, COMPLETED);
            case DEAD_LETTERS -> minimalDeadLetter();
        };
    }

    private static DeadLetter fullDeadLetter() {
        return new DeadLetter(
                DeadLetter.VERSION,
                "jobs[0].tenant_id is missing",
                "jobs[0].tenant_id",
                "inference.dispatch",
                4,
                981,
                WORKER,
                PayloadEncoding.UTF8,
                "wA==",
                PayloadEncoding.BASE64,
                ConsumerRole.WORKER,
                COMPLETED);
    }

    private static DeadLetter minimalDeadLetter() {
        return new DeadLetter(
                DeadLetter.VERSION,
                "unreadable",
                null,
                "inference.dispatch",
                0,
                0,
                null,
                null,
                null,
                null,
                ConsumerRole.WORKER,
                COMPLETED);
    }

    private static JsonNode chatInput() {
        return json("""
                {"messages":[{"role":"system","content":"You are terse."},\
                {"role":"user","content":"Summarise the attached ticket."}],\
                "max_tokens":256,"temperature":0.7,"stream":true}""");
    }

    private static DispatchedJob dispatched(String jobId, @Nullable Instant deadline) {
        return new DispatchedJob(jobId, TENANT, JobKind.CHAT, chatInput(), 1, 5, deadline, ACCEPTED);
    }

    private static WorkerStatus fullWorkerStatus() {
        return new WorkerStatus(
                WorkerStatus.VERSION,
                WORKER,
                "openai",
                List.of(MODEL, "qwen2.5-7b-instruct"),
                WorkerState.ACTIVE,
                64,
                17,
                true,
                182.5,
                2410.75,
                new Price(new BigDecimal("0.05"), new BigDecimal("0.08"), BigDecimal.ZERO, "USD"),
                "0.1.0",
                COMPLETED,
                COMPLETED.plusSeconds(2),
                Map.of(
                        "qwen2.5-7b-instruct",
                        new Price(new BigDecimal("0.10"), new BigDecimal("0.20"), BigDecimal.ZERO, "USD")),
                "run-7f3a");
    }
}
