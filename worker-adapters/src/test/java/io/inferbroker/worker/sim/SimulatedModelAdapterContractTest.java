package io.inferbroker.worker.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.testkit.upstream.Scenario;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.Jobs;
import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.ModelAdapterContract;
import java.time.Clock;
import java.util.List;

/** The contract for the simulator, which has no upstream: tests of upstream failures are skipped. */
class SimulatedModelAdapterContractTest extends ModelAdapterContract {

    @Override
    protected ModelAdapter newAdapter() {
        return SimulatedModelAdapter.create(LatencyModel.load("llama-1.1b", 0.1), Clock.systemUTC());
    }

    @Override
    protected DispatchedJob job(String id, int i) {
        return Jobs.chat(id, "hello " + i + " world");
    }

    @Override
    protected void assertAnswer(int i, JobOutcome.Succeeded outcome, List<String> tokens) {
        assertThat(outcome.output().get("text").asText()).isEqualTo("hello " + i + " world");
        assertThat(String.join("", tokens)).isEqualTo("hello " + i + " world");
    }

    @Override
    protected DispatchedJob invalidJob(String id) {
        return Jobs.job(id, JobKind.CHAT, "{\"messages\": []}");
    }

    @Override
    protected DispatchedJob longJob(String id) {
        return Jobs.job(
                id,
                JobKind.CHAT,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "word ".repeat(100_000)
                        + "\"}], \"max_tokens\": 100000}");
    }

    @Override
    protected boolean arrange(Scenario... scenarios) {
        return false;
    }

    @Override
    protected int upstreamRequests() {
        return 0;
    }

    @Override
    protected int upstreamDisconnects() {
        return 0;
    }

    @Override
    protected int hugeSize(JobOutcome.Succeeded outcome) {
        return 0;
    }

    @Override
    protected boolean streams() {
        return true;
    }
}
