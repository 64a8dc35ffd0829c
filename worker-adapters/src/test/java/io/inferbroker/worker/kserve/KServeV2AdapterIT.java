package io.inferbroker.worker.kserve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.testkit.upstream.FakeKServeServer;
import io.inferbroker.testkit.upstream.Scenario;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.Jobs;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.ModelAdapterContract;
import io.inferbroker.worker.http.ApiKey;
import io.inferbroker.worker.http.EndpointConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract, plus batching specifics, against a fake Open Inference Protocol v2 server. */
class KServeV2AdapterIT extends ModelAdapterContract {
    static final FakeKServeServer SERVER = FakeKServeServer.start("doubler");

    @AfterAll
    static void stopServer() {
        SERVER.close();
    }

    @BeforeEach
    void resetServer() {
        SERVER.reset();
    }

    static EndpointConfig config(String baseUrl) {
        return EndpointConfig.of(URI.create(baseUrl), ApiKey.NONE, Map.of(MODEL, "doubler"))
                .withTimeouts(FIRST_TOKEN_TIMEOUT, Duration.ofSeconds(5), Duration.ofSeconds(30))
                .withRetries(3, Duration.ofMillis(10), Duration.ofSeconds(2));
    }

    @Override
    protected ModelAdapter newAdapter() {
        return KServeV2Adapter.create(config(SERVER.baseUrl()), Clock.systemUTC());
    }

    @Override
    protected DispatchedJob job(String id, int i) {
        return Jobs.job(id, JobKind.GENERIC, """
                {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [3], "data": [%d, %d, %d]}]}""".formatted(i, i + 1, i + 2));
    }

    @Override
    protected void assertAnswer(int i, JobOutcome.Succeeded outcome, List<String> tokens) {
        JsonNode out = outcome.output().at("/outputs/0");
        assertThat(out.get("name").asText()).isEqualTo("OUTPUT0");
        assertThat(out.get("shape")).extracting(JsonNode::asInt).containsExactly(3);
        assertThat(out.get("data")).extracting(JsonNode::asDouble).containsExactly(2.0 * i, 2.0 * i + 2, 2.0 * i + 4);
        assertThat(outcome.output().get("model_name").asText()).isEqualTo("doubler");
        assertThat(tokens).isEmpty();
    }

    @Override
    protected DispatchedJob invalidJob(String id) {
        return Jobs.job(id, JobKind.GENERIC, """
                {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [3], "data": [1, 2]}]}""");
    }

    @Override
    protected DispatchedJob longJob(String id) {
        SERVER.enqueue(new Scenario.Endless(Duration.ofMillis(10)));
        return job(id, 0);
    }

    @Override
    protected boolean arrange(Scenario... scenarios) {
        SERVER.enqueue(scenarios);
        return true;
    }

    @Override
    protected int upstreamRequests() {
        return (int) SERVER.requests().stream()
                .filter(r -> r.method().equals("POST"))
                .count();
    }

    @Override
    protected int upstreamDisconnects() {
        return SERVER.disconnects();
    }

    @Override
    protected int hugeSize(JobOutcome.Succeeded outcome) {
        return outcome.output().at("/outputs/1/data").size();
    }

    @Override
    protected boolean streams() {
        return false;
    }

    @Override
    protected ModelAdapter adapterAt(int port) {
        return KServeV2Adapter.create(config("http://127.0.0.1:" + port), Clock.systemUTC());
    }

    @Test
    void shouldSendABatchAsOneRequestStackedAlongTheBatchDimension() {
        List<DispatchedJob> jobs = List.of(job("a", 0), job("b", 10), job("c", 20));

        List<JobOutcome> outcomes =
                adapter.run(MODEL, jobs, sink()).stream().map(this::outcomeOf).toList();

        assertThat(upstreamRequests()).isEqualTo(1);
        JsonNode input = SERVER.requests().get(0).body().at("/inputs/0");
        assertThat(input.get("shape")).extracting(JsonNode::asInt).containsExactly(3, 3);
        assertThat(input.get("data")).extracting(JsonNode::asInt).containsExactly(0, 1, 2, 10, 11, 12, 20, 21, 22);
        assertThat(SERVER.requests().get(0).path()).isEqualTo("/v2/models/doubler/infer");
        assertAnswer(10, (JobOutcome.Succeeded) outcomes.get(1), List.of());
        assertAnswer(20, (JobOutcome.Succeeded) outcomes.get(2), List.of());
    }

    @Test
    void shouldSendJobsOfDifferentShapesAsSeparateRequests() {
        DispatchedJob wide = Jobs.job("w", JobKind.GENERIC, """
                {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [2, 2], "data": [[1, 2], [3, 4]]}]}""");

        List<JobOutcome> outcomes = adapter.run(MODEL, List.of(job("a", 0), wide, job("b", 1)), sink()).stream()
                .map(this::outcomeOf)
                .toList();

        assertThat(upstreamRequests()).isEqualTo(2);
        assertThat(outcomes.get(1)).isInstanceOf(JobOutcome.Succeeded.class);
        JsonNode out = ((JobOutcome.Succeeded) outcomes.get(1)).output().at("/outputs/0");
        assertThat(out.get("shape")).extracting(JsonNode::asInt).containsExactly(2, 2);
        assertThat(out.get("data")).extracting(JsonNode::asDouble).containsExactly(2.0, 4.0, 6.0, 8.0);
        assertAnswer(1, (JobOutcome.Succeeded) outcomes.get(2), List.of());
    }

    @Test
    void shouldPassOnTheServersErrorMessage() {
        try (ModelAdapter unknown = KServeV2Adapter.create(
                EndpointConfig.of(URI.create(SERVER.baseUrl()), ApiKey.NONE, Map.of()), Clock.systemUTC())) {
            JobOutcome outcome = outcomeOf(
                    unknown.run("no-such-model", List.of(job("x", 0)), sink()).get(0));

            assertThat(codeOf(outcome)).isEqualTo("upstream_rejected");
            assertThat(((JobOutcome.Failed) outcome).error().message()).contains("404", "unknown model");
        }
    }

    @Test
    void shouldRefuseTextJobs() {
        assertThat(codeOf(runOne(Jobs.chat("t", "hi")))).isEqualTo("unsupported_kind");
    }
}
