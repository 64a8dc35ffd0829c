package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guard against breaking changes: hand-written values under {@code fixtures/v1/}, one per topic,
 * exactly as a version-1 producer writes them, must keep reading into the same field values and
 * keep validating against the current schemas.
 *
 * <p>Fixtures are never edited, only added. A change that makes an existing fixture fail is a
 * breaking change to the wire contract, however small it looks: make it additive instead (a new
 * optional field), or, if a meaning really changes, bump {@code schema_version} and add a
 * {@code fixtures/v2/} set next to this one. Two fixtures (job-result, worker-status) carry fields
 * no version-1 reader knows, proving readers ignore unknown fields at the top level and nested.
 */
class FixtureCompatibilityTest {
    private static final String JOB = "job_01JX9ZK3W8E6Q2H5N7B4C1D0FA";
    private static final String OTHER_JOB = "job_01JX9ZK4A1B2C3D4E5F6G7H8J9";
    private static final String MODEL = "llama-3.1-8b-instruct";
    private static final String WORKER = "vllm-h100-1";
    private static final String HOOK = "https://api.northwind.example/hooks/inference";

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldReadVersionOneFixtureIntoTheSameFieldValues(Topic topic) throws IOException {
        Object read = WireSamples.read(topic, fixture(topic));

        assertThat(read).isEqualTo(expected(topic));
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldValidateVersionOneFixtureAgainstCurrentSchema(Topic topic) throws IOException {
        assertThat(WireSchemas.errors(topic, fixture(topic))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldWriteWhatTheFixtureSaysApartFromUnknownFields(Topic topic) throws IOException {
        JsonNode written = WireSamples.MAPPER.readTree(WireSamples.write(topic, expected(topic)));
        JsonNode fixture = WireSamples.MAPPER.readTree(fixture(topic));

        assertWrittenWithinFixture(written, fixture, topic.name());
    }

    @Test
    void shouldCarryFieldsUnknownToVersionOneReaders() throws IOException {
        JsonNode result = WireSamples.MAPPER.readTree(fixture(Topic.RESULTS));
        JsonNode worker = WireSamples.MAPPER.readTree(fixture(Topic.WORKERS));

        assertThat(result.has("region")).isTrue();
        assertThat(result.path("timings").has("queue_wait_ms")).isTrue();
        assertThat(worker.has("gpu")).isTrue();
        assertThat(worker.path("price").has("tier")).isTrue();
    }

    /** Every field the current writer emits appears in the fixture with the same value. */
    private static void assertWrittenWithinFixture(JsonNode written, JsonNode fixture, String path) {
        if (written.isObject()) {
            written.properties()
                    .forEach(e -> assertWrittenWithinFixture(
                            e.getValue(), fixture.path(e.getKey()), path + "/" + e.getKey()));
        } else if (written.isArray()) {
            assertThat(fixture.size()).as(path).isEqualTo(written.size());
            for (int i = 0; i < written.size(); i++) {
                assertWrittenWithinFixture(written.get(i), fixture.path(i), path + "/" + i);
            }
        } else {
            assertThat(fixture).as(path).isEqualTo(written);
        }
    }

    private static byte[] fixture(Topic topic) throws IOException {
        String name = topic.schemaResource().replace("schemas/", "fixtures/v1/").replace(".schema.json", ".json");
        try (InputStream in = FixtureCompatibilityTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static Object expected(Topic topic) {
        return switch (topic) {
            case REQUESTS ->
                new JobRequested(
                        1,
                        JOB,
                        "northwind",
                        "key_2c91",
                        MODEL,
                        JobKind.CHAT,
                        WireSamples.json("""
                            {"messages":[{"role":"user","content":"Translate 'good morning' into French."}],\
                            "max_tokens":32,"temperature":0.2}"""),
                        5,
                        at("2025-05-20T08:15:00Z"),
                        new WebhookTarget(HOOK, List.of("job.succeeded", "job.failed")),
                        Map.of("order", "A-1009"),
                        "7d4c0e5e-2f43-4b52-9a4b-6c0f4d9b1e21",
                        "ingress-0",
                        at("2025-05-20T08:14:59.731Z"));
            case CONTROL ->
                new ControlCommand(
                        1,
                        JOB,
                        "northwind",
                        ControlAction.CANCEL,
                        "requested by client",
                        at("2025-05-20T08:15:01.002Z"));
            case DISPATCH -> expectedBatch();
            case TOKENS -> new TokenDelta(1, JOB, 1, 3, 0, " matin", at("2025-05-20T08:15:00.318Z"));
            case RESULTS -> expectedResult();
            case EVENTS ->
                new LifecycleEvent(
                        1,
                        OTHER_JOB,
                        "contoso",
                        MODEL,
                        LifecycleType.REQUEUED,
                        at("2025-05-20T08:14:57.500Z"),
                        "vllm-h100-2",
                        1,
                        new JobError("worker_lost", "vllm-h100-2 stopped reporting"));
            case WORKERS -> expectedWorker();
            case WEBHOOKS ->
                new WebhookDelivery(
                        1,
                        "msg_01JX9ZM0Q5R7S9T1V3W5X7Y9Z0",
                        JOB,
                        "northwind",
                        "job.succeeded",
                        HOOK,
                        2,
                        DeliveryOutcome.FAILED,
                        502,
                        "502 Bad Gateway",
                        at("2025-05-20T08:15:05.120Z"),
                        at("2025-05-20T08:15:35.120Z"));
            case QUEUES ->
                new QueueStatus(1, MODEL, 42, at("2025-05-20T08:14:58.250Z"), at("2025-05-20T08:15:00.005Z"));
            case DEAD_LETTERS ->
                new DeadLetter(
                        1,
                        "tenant_id is missing",
                        "tenant_id",
                        "inference.requests",
                        2,
                        1841,
                        JOB,
                        PayloadEncoding.UTF8,
                        "{\"schema_version\":1,\"job_id\":\"" + JOB + "\",\"model\":\"" + MODEL + "\"}",
                        PayloadEncoding.UTF8,
                        ConsumerRole.DISPATCHER,
                        at("2025-05-20T08:15:00.412Z"));
        };
    }

    private static DispatchBatch expectedBatch() {
        return new DispatchBatch(
                1,
                "b-llama-3.1-8b-instruct-000042",
                WORKER,
                MODEL,
                at("2025-05-20T08:15:00.040Z"),
                List.of(
                        new DispatchedJob(
                                JOB,
                                "northwind",
                                JobKind.CHAT,
                                WireSamples.json("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                                1,
                                5,
                                at("2025-05-20T08:16:00Z"),
                                at("2025-05-20T08:14:59.731Z")),
                        new DispatchedJob(
                                OTHER_JOB,
                                "contoso",
                                JobKind.COMPLETION,
                                WireSamples.json("{\"prompt\":\"Once upon a time\",\"max_tokens\":64}"),
                                2,
                                1,
                                null,
                                at("2025-05-20T08:14:58Z"))));
    }

    private static JobResult expectedResult() {
        return new JobResult(
                1,
                JOB,
                "northwind",
                MODEL,
                JobStatus.SUCCEEDED,
                WireSamples.json("""
                        {"id":"chatcmpl-9f2","object":"chat.completion","choices":[{"index":0,\
                        "message":{"role":"assistant","content":"Bonjour"},"finish_reason":"stop"}]}"""),
                null,
                new Usage(18, 3),
                new Cost(new BigDecimal("0.00000114"), "USD"),
                WORKER,
                1,
                new Timings(
                        at("2025-05-20T08:14:59.731Z"),
                        at("2025-05-20T08:15:00.040Z"),
                        at("2025-05-20T08:15:00.052Z"),
                        at("2025-05-20T08:15:00.201Z"),
                        at("2025-05-20T08:15:00.344Z")));
    }

    private static WorkerStatus expectedWorker() {
        return new WorkerStatus(
                1,
                WORKER,
                "openai",
                List.of(MODEL),
                WorkerState.DRAINING,
                128,
                96,
                true,
                41.5,
                11250.0,
                new Price(new BigDecimal("0.02"), new BigDecimal("0.06"), BigDecimal.ZERO, "USD"),
                "0.1.0",
                at("2025-05-20T08:15:00Z"));
    }

    private static Instant at(String timestamp) {
        return Instant.parse(timestamp);
    }
}
