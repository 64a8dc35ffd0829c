package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireJson;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OpenAiResponsesTest {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    private final ObjectMapper mapper = WireJson.newMapper();
    private final OpenAiResponses responses = new OpenAiResponses(mapper);

    private OpenAiRequest request(OpenAiEndpoint endpoint, boolean includeUsage, boolean base64) {
        return new OpenAiRequest(
                endpoint, "sim-echo", mapper.createObjectNode(), true, includeUsage, base64, 5, java.util.Map.of());
    }

    private JobResult succeeded(JsonNode output) {
        return new JobResult(
                JobResult.VERSION,
                "0199-job",
                "tenant",
                "sim-echo",
                JobStatus.SUCCEEDED,
                output,
                null,
                new Usage(3, 2),
                null,
                "sim-1",
                1,
                new Timings(T, T, T, T, T));
    }

    private ObjectNode textOutput() {
        return mapper.createObjectNode().put("text", "hello broker").put("finish_reason", "length");
    }

    @Test
    void shouldAnswerAChatCompletion() {
        JsonNode a = responses.answer(request(OpenAiEndpoint.CHAT, false, false), succeeded(textOutput()), 42);

        assertThat(a.get("id").asText()).isEqualTo("chatcmpl-0199-job");
        assertThat(a.get("object").asText()).isEqualTo("chat.completion");
        assertThat(a.get("created").asLong()).isEqualTo(42);
        assertThat(a.get("model").asText()).isEqualTo("sim-echo");
        JsonNode choice = a.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo("hello broker");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(a.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(a.get("usage").get("completion_tokens").asInt()).isEqualTo(2);
        assertThat(a.get("usage").get("total_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void shouldAnswerATextCompletion() {
        JsonNode a = responses.answer(request(OpenAiEndpoint.COMPLETION, false, false), succeeded(textOutput()), 42);

        assertThat(a.get("id").asText()).isEqualTo("cmpl-0199-job");
        assertThat(a.get("object").asText()).isEqualTo("text_completion");
        assertThat(a.get("choices").get(0).get("text").asText()).isEqualTo("hello broker");
        assertThat(a.get("choices").get(0).get("index").asInt()).isZero();
    }

    @Test
    void shouldAnswerEmbeddingsAsFloatsOrBase64() {
        ObjectNode output = mapper.createObjectNode();
        output.putArray("embeddings").addArray().add(0.5f).add(-1.0f);
        JobResult result = succeeded(output);

        JsonNode floats = responses.answer(request(OpenAiEndpoint.EMBEDDING, false, false), result, 1);
        JsonNode base64 = responses.answer(request(OpenAiEndpoint.EMBEDDING, false, true), result, 1);

        assertThat(floats.get("object").asText()).isEqualTo("list");
        assertThat(floats.get("data").get(0).get("object").asText()).isEqualTo("embedding");
        assertThat(floats.get("data").get(0).get("embedding").get(1).asDouble()).isEqualTo(-1.0);
        assertThat(floats.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(base64.get("data").get(0).get("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.getFloat()).isEqualTo(0.5f);
        assertThat(bytes.getFloat()).isEqualTo(-1.0f);
    }

    @Test
    void shouldStreamChatChunksWithTheRoleFirstAndUsageLast() {
        OpenAiRequest r = request(OpenAiEndpoint.CHAT, true, false);

        JsonNode first = responses.chunk(r, "j", 7, true, "hello");
        JsonNode next = responses.chunk(r, "j", 7, false, " broker");
        JsonNode last = responses.finalChunk(r, "j", 7, false, "stop");
        JsonNode usage = responses.usageChunk(r, "j", 7, new Usage(3, 2));

        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("choices").get(0).get("delta").get("role").asText())
                .isEqualTo("assistant");
        assertThat(first.get("choices").get(0).get("delta").get("content").asText())
                .isEqualTo("hello");
        assertThat(first.get("usage").isNull()).isTrue();
        assertThat(next.get("choices").get(0).get("delta").has("role")).isFalse();
        assertThat(last.get("choices").get(0).get("delta").isEmpty()).isTrue();
        assertThat(last.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.get("usage").get("total_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void shouldStreamCompletionChunksAsTextCompletions() {
        OpenAiRequest r = request(OpenAiEndpoint.COMPLETION, false, false);

        JsonNode chunk = responses.chunk(r, "j", 7, true, "hello");

        assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
        assertThat(chunk.get("choices").get(0).get("text").asText()).isEqualTo("hello");
        assertThat(chunk.has("usage")).isFalse();
    }
}
