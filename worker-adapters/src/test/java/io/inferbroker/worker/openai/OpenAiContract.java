package io.inferbroker.worker.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.Usage;
import io.inferbroker.testkit.upstream.FakeOpenAiServer;
import io.inferbroker.testkit.upstream.Scenario;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.Jobs;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.ModelAdapterContract;
import io.inferbroker.worker.http.ApiKey;
import io.inferbroker.worker.http.EndpointConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract, plus OpenAI specifics, against a fake OpenAI-compatible server streaming SSE. */
abstract class OpenAiContract extends ModelAdapterContract {

    @BeforeEach
    void resetServer() {
        server().reset();
    }

    abstract FakeOpenAiServer server();

    /** Whether the server sends finish reasons. */
    abstract boolean finishReasons();

    static EndpointConfig config(String baseUrl) {
        return EndpointConfig.of(URI.create(baseUrl), new ApiKey("sk-secret-123"), Map.of(MODEL, "upstream-name"))
                .withTimeouts(FIRST_TOKEN_TIMEOUT, Duration.ofSeconds(5), Duration.ofSeconds(30))
                .withRetries(3, Duration.ofMillis(10), Duration.ofSeconds(2));
    }

    @Override
    protected ModelAdapter newAdapter() {
        return OpenAiCompatibleAdapter.create(config(server().baseUrl()), Clock.systemUTC());
    }

    @Override
    protected DispatchedJob job(String id, int i) {
        return Jobs.chat(id, "hello " + i + " world");
    }

    @Override
    protected void assertAnswer(int i, JobOutcome.Succeeded outcome, List<String> tokens) {
        assertThat(outcome.output().get("text").asText()).isEqualTo("hello " + i + " world");
        if (finishReasons()) {
            assertThat(outcome.output().get("finish_reason").asText()).isEqualTo("stop");
        }
        assertThat(String.join("", tokens)).isEqualTo("hello " + i + " world");
        assertThat(outcome.usage()).isEqualTo(new Usage(3, 3));
    }

    @Override
    protected DispatchedJob invalidJob(String id) {
        return Jobs.job(id, JobKind.CHAT, "[\"not an object\"]");
    }

    @Override
    protected DispatchedJob longJob(String id) {
        server().enqueue(new Scenario.Endless(Duration.ofMillis(10)));
        return Jobs.chat(id, "go on forever");
    }

    @Override
    protected boolean arrange(Scenario... scenarios) {
        server().enqueue(scenarios);
        return true;
    }

    @Override
    protected int upstreamRequests() {
        return (int) server().requests().stream()
                .filter(r -> r.method().equals("POST"))
                .count();
    }

    @Override
    protected int upstreamDisconnects() {
        return server().disconnects();
    }

    @Override
    protected int hugeSize(JobOutcome.Succeeded outcome) {
        return outcome.output().get("text").asText().split(" ").length;
    }

    @Override
    protected boolean streams() {
        return true;
    }

    @Override
    protected ModelAdapter adapterAt(int port) {
        return OpenAiCompatibleAdapter.create(config("http://127.0.0.1:" + port + "/v1"), Clock.systemUTC());
    }

    @Test
    void shouldAskForUsageWithTheUpstreamModelNameAndTheKey() {
        runOne(job("j", 0));

        JsonNode body = server().requests().get(0).body();
        assertThat(server().requests().get(0).path()).isEqualTo("/v1/chat/completions");
        assertThat(body.get("model").asText()).isEqualTo("upstream-name");
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(server().requests().get(0).header("authorization")).isEqualTo("Bearer sk-secret-123");
    }

    @Test
    void shouldNeverPrintTheKey() {
        EndpointConfig config = config(server().baseUrl());

        assertThat(config.toString()).doesNotContain("sk-secret-123").contains("****");
    }

    @Test
    void shouldStreamCompletionsAndCutAtMaxTokens() {
        DispatchedJob job =
                Jobs.job("c", JobKind.COMPLETION, "{\"prompt\": \"one two three four\", \"max_tokens\": 2}");

        JobOutcome.Succeeded done = (JobOutcome.Succeeded) runOne(job);

        assertThat(done.output().get("text").asText()).isEqualTo("one two");
        if (finishReasons()) {
            assertThat(done.output().get("finish_reason").asText()).isEqualTo("length");
        }
        assertThat(tokensOf("c")).containsExactly("one", " two");
        assertThat(server().requests().get(0).path()).isEqualTo("/v1/completions");
    }

    @Test
    void shouldEmbedInTheOrderOfTheInputs() {
        DispatchedJob job = Jobs.job("e", JobKind.EMBEDDING, "{\"input\": [\"first text\", \"second\"]}");

        JobOutcome.Succeeded done = (JobOutcome.Succeeded) runOne(job);

        JsonNode vectors = done.output().get("embeddings");
        assertThat(vectors).hasSize(2);
        assertThat(vectors.get(0).get(0).asDouble()).isEqualTo((("first text".hashCode()) & 0xff) / 255.0);
        assertThat(done.usage()).isEqualTo(new Usage(3, 0));
    }

    @Test
    void shouldAnswerWholeWhenNotStreaming() {
        try (ModelAdapter whole =
                OpenAiCompatibleAdapter.create(config(server().baseUrl()).withStreaming(false), Clock.systemUTC())) {
            JobOutcome.Succeeded done = (JobOutcome.Succeeded)
                    outcomeOf(whole.run(MODEL, List.of(job("w", 4)), sink()).get(0));

            assertThat(done.output().get("text").asText()).isEqualTo("hello 4 world");
            assertThat(tokensOf("w")).containsExactly("hello 4 world");
            assertThat(done.usage()).isEqualTo(new Usage(3, 3));
            assertThat(server().requests().get(0).body().get("stream").asBoolean())
                    .isFalse();
        }
    }

    @Test
    void shouldNameTheModelTheServerDoesNotKnow() {
        try (ModelAdapter unmapped = OpenAiCompatibleAdapter.create(
                EndpointConfig.of(URI.create(server().baseUrl()), ApiKey.NONE, Map.of()), Clock.systemUTC())) {
            JobOutcome outcome =
                    outcomeOf(unmapped.run(MODEL, List.of(job("m", 0)), sink()).get(0));

            assertThat(codeOf(outcome)).isEqualTo("upstream_rejected");
            assertThat(((JobOutcome.Failed) outcome).error().message()).contains(MODEL, "does not exist");
        }
    }

    @Test
    void shouldRetryAStreamCutBeforeItsFirstToken() {
        server().enqueue(new Scenario.CutAfter(0));

        JobOutcome outcome = runOne(job("again", 5));

        assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        assertAnswer(5, (JobOutcome.Succeeded) outcome, tokensOf("again"));
        assertThat(upstreamRequests()).isEqualTo(2);
    }

    @Test
    void shouldCountRetriesAndBackpressureByAdapterAndReason() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        server().enqueue(new Scenario.Error(502, "bad gateway"), new Scenario.RateLimited(0));
        try (ModelAdapter counted =
                OpenAiCompatibleAdapter.create(config(server().baseUrl()), Clock.systemUTC(), registry)) {
            JobOutcome outcome =
                    outcomeOf(counted.run(MODEL, List.of(job("m", 1)), sink()).get(0));

            assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        }
        assertThat(registry.get("broker.worker.upstream.retries")
                        .tags("adapter", "openai", "reason", "5xx")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get("broker.worker.upstream.retries")
                        .tags("adapter", "openai", "reason", "429")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get("broker.worker.upstream.backpressure").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldTimeOutAStreamThatGoesSilentAfterItsFirstToken() {
        server().enqueue(new Scenario.Endless(Duration.ofSeconds(2)));
        EndpointConfig impatient = config(server().baseUrl())
                .withTimeouts(FIRST_TOKEN_TIMEOUT, Duration.ofMillis(300), Duration.ofSeconds(30));
        try (ModelAdapter adapter = OpenAiCompatibleAdapter.create(impatient, Clock.systemUTC())) {
            JobOutcome outcome = outcomeOf(
                    adapter.run(MODEL, List.of(job("quiet", 0)), sink()).get(0));

            assertThat(codeOf(outcome)).isEqualTo("upstream_timeout");
            assertThat(((JobOutcome.Failed) outcome).error().message()).contains("went silent");
            assertThat(((JobOutcome.Failed) outcome).partialUsage().completionTokens())
                    .isEqualTo(1);
            assertThat(tokensOf("quiet")).containsExactly("t0");
        }
    }

    @Test
    void shouldRefuseGenericJobs() {
        assertThat(codeOf(runOne(Jobs.job("g", JobKind.GENERIC, "{}")))).isEqualTo("unsupported_kind");
    }
}
