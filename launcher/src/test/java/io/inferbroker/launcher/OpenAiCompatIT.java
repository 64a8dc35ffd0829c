package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.inferbroker.schemas.ControlAction;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK against a whole broker: answers, streams, errors, timeout, disconnect. */
@ExtendWith(InfraExtension.class)
class OpenAiCompatIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static KafkaInfra kafka;
    private static TestBroker broker;
    private static OpenAIClient client;
    private static HttpTestClient api;

    @BeforeAll
    static void start(KafkaInfra kafkaInfra, PostgresInfra pg) throws Exception {
        kafka = kafkaInfra;
        broker = TestBroker.start(kafka, pg, dir, Map.of("BROKER_HTTP_SYNC_TIMEOUT_MS", "3000"));
        client = sdk(broker.key);
        api = HttpTestClient.of(broker.base);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static OpenAIClient sdk(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(broker.base + "/v1")
                .apiKey(apiKey)
                .maxRetries(0)
                .timeout(WAIT)
                .build();
    }

    @Test
    void shouldAnswerAChatCompletionWithTheEchoAndItsUsage() {
        HttpResponseFor<ChatCompletion> raw = client.chat()
                .completions()
                .withRawResponse()
                .create(ChatCompletionCreateParams.builder()
                        .model("sim-echo")
                        .addUserMessage("hello broker world")
                        .build());
        ChatCompletion completion = raw.parse();

        String jobId = raw.headers().values("x-job-id").getFirst();
        assertThat(completion.id()).isEqualTo("chatcmpl-" + jobId);
        assertThat(completion.model()).isEqualTo("sim-echo");
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().message().content()).contains("hello broker world");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(3);
            assertThat(u.completionTokens()).isEqualTo(3);
            assertThat(u.totalTokens()).isEqualTo(6);
        });
    }

    @Test
    void shouldStreamChunksInOrderEndingWithUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("sim-echo")
                .addUserMessage("one two three four five")
                .maxCompletionTokens(4)
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        assertThat(chunks.getFirst().choices().getFirst().delta().role())
                .contains(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        StringBuilder text = new StringBuilder();
        chunks.stream()
                .flatMap(c -> c.choices().stream())
                .forEach(c -> c.delta().content().ifPresent(text::append));
        assertThat(text).hasToString("one two three four");
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().getFirst().finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.LENGTH);
        ChatCompletionChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage())
                .hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(4));
        assertThat(chunks)
                .allSatisfy(c -> assertThat(c.id()).isEqualTo(chunks.getFirst().id()));
    }

    @Test
    void shouldAnswerATextCompletion() {
        Completion completion = client.completions()
                .create(CompletionCreateParams.builder()
                        .model("sim-echo")
                        .prompt("alpha beta gamma")
                        .maxTokens(2)
                        .build());

        assertThat(completion.id()).startsWith("cmpl-");
        CompletionChoice choice = completion.choices().getFirst();
        assertThat(choice.text()).isEqualTo("alpha beta");
        assertThat(choice.finishReason()).isEqualTo(CompletionChoice.FinishReason.LENGTH);
    }

    @Test
    void shouldAnswerEmbeddingsTheSameInBase64AndAsFloats() {
        CreateEmbeddingResponse base64 = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("sim-embed")
                        .input("hello embeddings")
                        .build());
        CreateEmbeddingResponse floats = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("sim-embed")
                        .input("hello embeddings")
                        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                        .build());

        assertThat(base64.data()).hasSize(1);
        List<Float> vector = base64.data().getFirst().embedding();
        assertThat(vector).isNotEmpty().isEqualTo(floats.data().getFirst().embedding());
        assertThat(base64.usage().promptTokens()).isEqualTo(2);
        assertThat(base64.model()).isEqualTo("sim-embed");
    }

    @Test
    void shouldListTheModels() {
        assertThat(client.models().list().data()).extracting(Model::id).contains("sim-echo", "sim-embed", "sim-idle");
    }

    @Test
    void shouldRaiseTheSdkAuthErrorForAnInvalidKey() {
        OpenAIClient wrong = sdk("ib_not-a-key");
        try {
            assertThatThrownBy(() -> wrong.chat()
                            .completions()
                            .create(ChatCompletionCreateParams.builder()
                                    .model("sim-echo")
                                    .addUserMessage("x")
                                    .build()))
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.code()).contains("invalid_api_key");
                    });
        } finally {
            wrong.close();
        }
    }

    @Test
    void shouldRaiseModelNotFoundForAnUnknownModel() {
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("gpt-unknown")
                                .addUserMessage("x")
                                .build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.param()).contains("model");
                    assertThat(e.getMessage()).contains("gpt-unknown");
                });
    }

    @Test
    void shouldAnswer400NamingTheParamOfAnInvalidRequest() throws Exception {
        Answer response = api.post(
                "/v1/chat/completions", broker.key, "{\"model\":\"sim-echo\",\"messages\":[],\"max_tokens\":-1}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = response.json().get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo("messages");
        assertThat(error.get("message").asText()).contains("max_tokens");
    }

    @Test
    void shouldAnswer504NamingTheJobWhenItDoesNotFinishInTime() throws Exception {
        Answer response = api.post(
                "/v1/chat/completions",
                broker.key,
                "{\"model\":\"sim-idle\",\"messages\":[{\"role\":\"user\",\"content\":\"wait\"}]}");

        assertThat(response.statusCode()).isEqualTo(504);
        String jobId = response.headers().firstValue("x-job-id").orElseThrow();
        JsonNode error = response.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("timeout");
        assertThat(error.get("message").asText()).contains(jobId).contains("/v1/jobs/" + jobId);
        Answer job = api.get("/v1/jobs/" + jobId, broker.key);
        assertThat(job.json().get("status").asText()).isEqualTo("queued");
    }

    /** The answer names its job (x-job-id): a GET right after finds it, before the result store has it. */
    @Test
    void shouldFindTheJobOfAnAnswerRightAfterIt() throws Exception {
        for (int i = 0; i < 5; i++) {
            Answer answer = api.post(
                    "/v1/chat/completions",
                    broker.key,
                    "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"find me\"}]}");
            assertThat(answer.statusCode()).isEqualTo(200);
            String jobId = answer.headers().firstValue("x-job-id").orElseThrow();

            Answer job = api.get("/v1/jobs/" + jobId, broker.key);

            assertThat(job.statusCode()).as(job.body()).isEqualTo(200);
            assertThat(job.json().get("id").asText()).isEqualTo(jobId);
        }
    }

    @Test
    void shouldCancelTheJobOfAClientThatDisconnects() throws Exception {
        String body = "{\"model\":\"sim-idle\",\"messages\":[{\"role\":\"user\",\"content\":\"leave early\"}]}";
        String jobId;
        try (var requests = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.process.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + broker.key
                            + "\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            jobId = requests
                    .awaitUntil(
                            rs -> rs.stream()
                                    .anyMatch(r -> r.value().input().toString().contains("leave early")),
                            WAIT)
                    .stream()
                    .filter(r -> r.value().input().toString().contains("leave early"))
                    .findFirst()
                    .orElseThrow()
                    .key();
        }

        try (var control = kafka.probe(kafka.topics().control(), WireSerdes.CONTROL_COMMAND)) {
            var commands =
                    control.awaitUntil(rs -> rs.stream().anyMatch(r -> r.key().equals(jobId)), WAIT);
            assertThat(commands.stream()
                            .filter(r -> r.key().equals(jobId))
                            .findFirst()
                            .orElseThrow()
                            .value()
                            .action())
                    .isEqualTo(ControlAction.CANCEL);
        }
        JsonNode job = await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> api.get("/v1/jobs/" + jobId, broker.key).json(),
                        j -> "canceled".equals(j.path("status").asText()));
        assertThat(job.get("error").get("message").asText()).contains("disconnected");
    }
}
