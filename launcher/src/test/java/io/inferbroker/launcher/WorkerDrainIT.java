package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.TopicProbe;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import io.inferbroker.testkit.upstream.FakeOpenAiServer;
import io.inferbroker.testkit.upstream.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker stopped (as on SIGTERM) while its worker runs a job on a model server: the worker
 * drains, hands the unfinished job back (no result, its batch uncommitted, status gone), and the
 * job still succeeds once a worker with that id runs again. No job is lost.
 */
@ExtendWith(InfraExtension.class)
class WorkerDrainIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void shouldLoseNoJobWhenAWorkerIsDrainedMidJob(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        try (FakeOpenAiServer vllm = FakeOpenAiServer.start();
                TopicProbe<WorkerStatus> statuses = kafka.probe(kafka.topics().workers(), WireSerdes.WORKER_STATUS);
                TopicProbe<JobResult> results = kafka.probe(kafka.topics().results(), WireSerdes.JOB_RESULT)) {
            String yaml = """
                    models:
                      - id: llama
                        max_queue_delay_ms: 5
                    workers:
                      - id: gpu-1
                        adapter: openai
                        models: [llama]
                        base_url: %s
                        shutdown_grace_ms: 300
                    """.formatted(vllm.baseUrl());
            vllm.enqueue(new Scenario.Endless(Duration.ofMillis(20)));
            String key;
            String jobId;
            try (TestBroker first = TestBroker.start(kafka, pg, dir, Map.of(), yaml)) {
                key = first.key;
                jobId = submit(first.base, key);
                await().atMost(WAIT).until(() -> !vllm.requests().isEmpty());
            }

            statuses.awaitUntil(
                    seen -> seen.stream()
                            .anyMatch(r -> r.key().equals("gpu-1") && r.value().state() == WorkerState.GONE),
                    WAIT);
            assertThat(statuses.values()).extracting(WorkerStatus::state).contains(WorkerState.DRAINING);
            assertThat(vllm.disconnects()).isEqualTo(1);
            assertThat(results.values()).noneMatch(r -> r.jobId().equals(jobId));

            try (TestBroker second = TestBroker.start(kafka, pg, dir, Map.of(), yaml)) {
                JsonNode job = get(second.base, key, jobId);
                assertThat(job.get("status").asText()).isEqualTo("succeeded");
                assertThat(job.at("/output/text").asText()).isEqualTo("finish me please");
                assertThat(vllm.requests()).hasSize(2);
            }
        }
    }

    private static String submit(String base, String key) throws Exception {
        Answer response = HttpTestClient.of(base).post("/v1/jobs", key, """
                {"model": "llama", "input": {"messages": [{"role": "user", "content": "finish me please"}]}}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response.json().get("id").asText();
    }

    private static JsonNode get(String base, String key, String jobId) throws Exception {
        Answer response = HttpTestClient.of(base).withTimeout(WAIT).get("/v1/jobs/" + jobId + "?wait=25", key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
