package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import io.inferbroker.testkit.upstream.FakeKServeServer;
import io.inferbroker.testkit.upstream.FakeOpenAiServer;
import io.inferbroker.testkit.upstream.Received;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole broker whose workers call real model servers over HTTP: a fake vLLM (OpenAI-compatible,
 * SSE) and a fake Triton (KServe v2), both from the testkit.
 */
@ExtendWith(InfraExtension.class)
class UpstreamWorkersIT {
    private static final FakeOpenAiServer VLLM =
            FakeOpenAiServer.start(FakeOpenAiServer.Dialect.VLLM, "meta-llama/Llama-3.1-8B-Instruct");
    private static final FakeKServeServer TRITON = FakeKServeServer.start("doubler");

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private static HttpTestClient api;
    private final ObjectMapper mapper = new ObjectMapper();

    @BeforeAll
    static void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        String yaml = """
                models:
                  - id: llama-8b
                    max_queue_delay_ms: 5
                  - id: doubler
                    kind: generic
                    max_queue_delay_ms: 5
                workers:
                  - id: vllm-1
                    adapter: openai
                    models: [llama-8b]
                    base_url: %s
                    api_key_env: TEST_VLLM_KEY
                    model_map: {llama-8b: meta-llama/Llama-3.1-8B-Instruct}
                    input_per_million: 1.0
                    output_per_million: 2.0
                  - id: triton-1
                    adapter: kserve
                    models: [doubler]
                    base_url: %s
                    per_gpu_second: 0.001
                """.formatted(VLLM.baseUrl(), TRITON.baseUrl());
        broker = TestBroker.start(
                kafka, pg, dir, Map.of("BROKER_HTTP_SYNC_TIMEOUT_MS", "10000", "TEST_VLLM_KEY", "sk-vllm"), yaml);
        api = HttpTestClient.of(broker.base).withTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        VLLM.close();
        TRITON.close();
    }

    @Test
    void shouldStreamTheModelServersTokensToTheClientInOrder() throws Exception {
        String body = """
                {"model": "llama-8b", "stream": true,
                 "messages": [{"role": "user", "content": "one two three four five six seven eight"}]}""";

        HttpResponse<Stream<String>> response = api.send(
                api.request("POST", "/v1/chat/completions", broker.key, body).build(),
                HttpResponse.BodyHandlers.ofLines());

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> deltas = new ArrayList<>();
        List<String> lines = response.body().filter(l -> l.startsWith("data: ")).toList();
        for (String line : lines) {
            String data = line.substring(6);
            if (!data.equals("[DONE]")) {
                mapper.readTree(data).path("choices").forEach(c -> {
                    if (c.path("delta").path("content").isTextual()) {
                        deltas.add(c.path("delta").path("content").asText());
                    }
                });
            }
        }
        assertThat(deltas.stream().filter(d -> !d.isEmpty()))
                .containsExactly("one", " two", " three", " four", " five", " six", " seven", " eight");
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        Received upstream = VLLM.requests().stream()
                .filter(r -> r.path().equals("/v1/chat/completions"))
                .findFirst()
                .orElseThrow();
        assertThat(upstream.body().get("model").asText()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(upstream.body().at("/stream_options/include_usage").asBoolean())
                .isTrue();
        assertThat(upstream.header("authorization")).isEqualTo("Bearer sk-vllm");
    }

    @Test
    void shouldChargeTheJobAtTheWorkersPriceWithTheServersUsage() throws Exception {
        String body = """
                {"model": "llama-8b", "input": {"messages": [{"role": "user", "content": "price this please"}]}}""";

        JsonNode job = waitFor(body);

        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.get("worker").asText()).isEqualTo("vllm-1");
        assertThat(job.at("/output/text").asText()).isEqualTo("price this please");
        assertThat(job.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        assertThat(job.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(job.at("/cost/amount").decimalValue()).isEqualByComparingTo("0.000009");
    }

    @Test
    void shouldRunATensorJobOnTheKServeWorker() throws Exception {
        String body = """
                {"model": "doubler",
                 "input": {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [2], "data": [1.5, 4]}]}}""";

        JsonNode job = waitFor(body);

        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.get("worker").asText()).isEqualTo("triton-1");
        assertThat(job.at("/output/outputs/0/data").get(0).asDouble()).isEqualTo(3.0);
        assertThat(job.at("/output/outputs/0/data").get(1).asDouble()).isEqualTo(8.0);
        JsonNode sent = TRITON.requests().getLast().body().at("/inputs/0");
        assertThat(sent.get("shape").get(0).asInt()).isEqualTo(1);
    }

    @Test
    void shouldListUpstreamModelsAsRealOnes() throws Exception {
        JsonNode models = api.get("/v1/models", broker.key).json().get("data");
        assertThat(models)
                .allSatisfy(m -> assertThat(m.get("simulator").asBoolean()).isFalse());
    }

    private JsonNode waitFor(String body) throws Exception {
        Answer response = api.send("POST", "/v1/jobs", broker.key, body, "Prefer", "wait=20");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
