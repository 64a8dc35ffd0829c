package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.ingress.ModelInfo;
import io.inferbroker.schemas.JobKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiRequestsTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final OpenAiRequests requests = new OpenAiRequests(List.of(
            new ModelInfo("sim-echo", "inferbroker", JobKind.CHAT, true, ""),
            new ModelInfo("sim-embed", "inferbroker", JobKind.EMBEDDING, true, "")));

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void shouldReadServiceTierAsPriorityAndMetadataAsTheJobsKeepingBothFromTheModelServer() throws Exception {
        String chat = "\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        OpenAiRequest urgent = requests.parse(
                OpenAiEndpoint.CHAT,
                json("{" + chat + ",\"service_tier\":\"priority\",\"metadata\":{\"team\":\"search\"}}"));
        assertThat(urgent.priority()).isEqualTo(SubmitParser.PRIORITY_HIGH);
        assertThat(urgent.metadata()).containsExactly(java.util.Map.entry("team", "search"));
        assertThat(urgent.input().has("service_tier")).isFalse();
        assertThat(urgent.input().has("metadata")).isFalse();
        assertThat(requests.parse(OpenAiEndpoint.CHAT, json("{" + chat + ",\"service_tier\":\"flex\"}"))
                        .priority())
                .isEqualTo(SubmitParser.PRIORITY_LOW);
        assertThat(requests.parse(OpenAiEndpoint.CHAT, json("{" + chat + "}")).priority())
                .isEqualTo(SubmitParser.PRIORITY_NORMAL);

        assertThatThrownBy(() -> requests.parse(
                        OpenAiEndpoint.CHAT, json("{" + chat + ",\"service_tier\":\"turbo\",\"metadata\":{\"n\":1}}")))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().errors())
                                .extracting(Problem.FieldError::pointer)
                                .containsExactlyInAnyOrder("/service_tier", "/metadata/n"));
    }

    @Test
    void shouldPassUnknownParametersThroughAndDropTransportOnes() throws Exception {
        OpenAiRequest r = requests.parse(
                OpenAiEndpoint.CHAT,
                json("{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"temperature\":0.2,\"logit_bias\":{\"1\":2},\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}"));

        assertThat(r.model()).isEqualTo("sim-echo");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.input().has("temperature")).isTrue();
        assertThat(r.input().has("logit_bias")).isTrue();
        assertThat(r.input().has("messages")).isTrue();
        assertThat(r.input().has("model")).isFalse();
        assertThat(r.input().has("stream")).isFalse();
        assertThat(r.input().has("stream_options")).isFalse();
    }

    @Test
    void shouldNameEveryInvalidFieldByPointer() throws Exception {
        assertThatThrownBy(() -> requests.parse(
                        OpenAiEndpoint.CHAT,
                        json("{\"model\":\"sim-echo\",\"messages\":[{\"content\":\"x\"}],\"max_tokens\":0,"
                                + "\"stream\":\"yes\",\"n\":2}")))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().errors())
                                .extracting(Problem.FieldError::pointer)
                                .containsExactly("/messages/0/role", "/max_tokens", "/n", "/stream"));
    }

    @Test
    void shouldRequireTheInputOfEachEndpoint() throws Exception {
        assertThatThrownBy(() -> requests.parse(OpenAiEndpoint.COMPLETION, json("{\"model\":\"sim-echo\"}")))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().errors().getFirst().pointer())
                                .isEqualTo("/prompt"));
        assertThatThrownBy(() ->
                        requests.parse(OpenAiEndpoint.EMBEDDING, json("{\"model\":\"sim-embed\",\"input\":[1,2]}")))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().errors().getFirst().pointer())
                                .isEqualTo("/input"));
    }

    @Test
    void shouldRefuseUnknownModelsAndModelsOfAnotherKind() throws Exception {
        assertThatThrownBy(() -> requests.parse(
                        OpenAiEndpoint.CHAT, json("{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\"}]}")))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().slug()).isEqualTo("unknown-model"));
        assertThatThrownBy(() ->
                        requests.parse(OpenAiEndpoint.EMBEDDING, json("{\"model\":\"sim-echo\",\"input\":\"x\"}")))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().slug()).isEqualTo("model-not-supported"));
    }

    @Test
    void shouldReadTheEmbeddingEncoding() throws Exception {
        assertThat(requests.parse(
                                OpenAiEndpoint.EMBEDDING,
                                json("{\"model\":\"sim-embed\",\"input\":\"x\",\"encoding_format\":\"base64\"}"))
                        .base64())
                .isTrue();
        assertThat(requests.parse(OpenAiEndpoint.EMBEDDING, json("{\"model\":\"sim-embed\",\"input\":[\"x\"]}"))
                        .base64())
                .isFalse();
        assertThatThrownBy(() -> requests.parse(
                        OpenAiEndpoint.EMBEDDING,
                        json("{\"model\":\"sim-embed\",\"input\":\"x\",\"encoding_format\":\"hex\"}")))
                .isInstanceOf(ProblemException.class);
    }
}
