package io.inferbroker.worker.sim;

import static io.inferbroker.worker.Jobs.chat;
import static io.inferbroker.worker.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.Usage;
import io.inferbroker.testkit.MutableClock;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.Jobs;
import io.inferbroker.worker.VirtualTimeScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedModelAdapterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(clock);
    private final LatencyModel latency = LatencyModel.load("llama-1.1b", 1.0);
    private final SimulatedModelAdapter adapter = new SimulatedModelAdapter(latency, scheduler, clock);
    private final List<Emitted> tokens = Collections.synchronizedList(new ArrayList<>());

    record Emitted(String jobId, int index, String text, Instant at) {}

    @AfterEach
    void stop() {
        adapter.close();
        scheduler.shutdownNow();
    }

    @Test
    void shouldSayItIsASimulator() {
        assertThat(adapter.isSimulator()).isTrue();
        assertThat(adapter.kind()).isEqualTo("sim");
        assertThat(adapter.description()).contains("simulator", "llama-1.1b");
    }

    @Test
    void shouldEchoTheLastUserMessageWordByWord() {
        DispatchedJob job = job("j1", JobKind.CHAT, """
                {"messages": [
                  {"role": "system", "content": "be brief"},
                  {"role": "user", "content": "hello there"},
                  {"role": "assistant", "content": "hi"},
                  {"role": "user", "content": [{"type": "text", "text": "tell me a story"}]}
                ]}""");

        JobOutcome.Succeeded done = succeeded(runOne(job));

        assertThat(tokens).extracting(Emitted::text).containsExactly("tell", " me", " a", " story");
        assertThat(tokens).extracting(Emitted::index).containsOnly(0);
        assertThat(done.output().get("text").asText()).isEqualTo("tell me a story");
        assertThat(done.output().get("finish_reason").asText()).isEqualTo("stop");
        assertThat(done.usage()).isEqualTo(new Usage(2 + 2 + 1 + 4, 4));
    }

    @Test
    void shouldCutAtMaxTokensAndSayLength() {
        DispatchedJob job = job("j1", JobKind.COMPLETION, """
                {"prompt": "one two three four five", "max_tokens": 3}""");

        JobOutcome.Succeeded done = succeeded(runOne(job));

        assertThat(done.output().get("text").asText()).isEqualTo("one two three");
        assertThat(done.output().get("finish_reason").asText()).isEqualTo("length");
        assertThat(done.usage()).isEqualTo(new Usage(5, 3));
    }

    @Test
    void shouldStopAtSixteenTokensWithoutMaxTokens() {
        String twenty = String.join(" ", Collections.nCopies(20, "word"));

        JobOutcome.Succeeded done = succeeded(runOne(chat("j1", twenty)));

        assertThat(tokens).hasSize(16);
        assertThat(done.output().get("finish_reason").asText()).isEqualTo("length");
        assertThat(done.usage()).isEqualTo(new Usage(20, 16));
    }

    @Test
    void shouldEmbedDeterministicallyFromTheText() {
        JobOutcome.Succeeded first = succeeded(runOne(job("e1", JobKind.EMBEDDING, """
                {"input": ["the cat sat", "a dog"]}""")));
        JobOutcome.Succeeded again = succeeded(runOne(job("e2", JobKind.EMBEDDING, """
                {"input": "the cat sat"}""")));

        JsonNode vectors = first.output().get("embeddings");
        assertThat(vectors).hasSize(2);
        assertThat(vectors.get(0)).hasSize(8);
        assertThat(again.output().get("embeddings").get(0)).isEqualTo(vectors.get(0));
        assertThat(vectors.get(1)).isNotEqualTo(vectors.get(0));
        double norm = 0;
        for (JsonNode v : vectors.get(0)) {
            norm += v.asDouble() * v.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, within(1e-5));
        assertThat(first.usage()).isEqualTo(new Usage(5, 0));
        assertThat(tokens).isEmpty();
    }

    @Test
    void shouldEchoGenericInput() {
        JobOutcome.Succeeded done = succeeded(runOne(job("g1", JobKind.GENERIC, """
                {"image": "two words", "steps": 20}""")));

        assertThat(done.output()).isEqualTo(Jobs.json("""
                {"echo": {"image": "two words", "steps": 20}}"""));
        assertThat(done.usage()).isEqualTo(new Usage(2, 0));
    }

    @Test
    void shouldFailInputItCannotRead() {
        JobOutcome outcome = runOne(job("bad", JobKind.CHAT, "{\"prompt\": \"no messages\"}"));

        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.Failed.class, f -> {
            assertThat(f.error().code()).isEqualTo("invalid_input");
            assertThat(f.error().message()).contains("messages");
        });
    }

    @Test
    void shouldEmitTokensPositionByPositionAfterOneSharedPrefill() {
        List<DispatchedJob> jobs = List.of(
                chat("a", "a1 a2"),
                chat("b", "b1 b2 b3 b4"),
                chat("c", "c1 c2 c3"),
                job("e", JobKind.EMBEDDING, "{\"input\": \"x y z w v\"}"));

        List<CompletableFuture<JobOutcome>> futures = adapter.run("sim-echo", jobs, this::record);
        for (CompletableFuture<JobOutcome> f : futures) {
            assertThat(f.orTimeout(10, TimeUnit.SECONDS).join()).isInstanceOf(JobOutcome.Succeeded.class);
        }

        Duration prefill = latency.prefill(4, 5);
        Duration step = latency.step(4);
        assertThat(tokens)
                .extracting(Emitted::text)
                .containsExactly("a1", "b1", "c1", " a2", " b2", " c2", " b3", " c3", " b4");
        for (Emitted t : tokens) {
            int position = positionIn(textOf(t.jobId()), t);
            assertThat(t.at()).isEqualTo(T0.plus(prefill).plus(step.multipliedBy(position)));
        }
        assertThat(scheduler.delays()).first().isEqualTo(prefill);
        assertThat(scheduler.delays()).hasSize(1 + 4).allMatch(d -> d.equals(prefill) || d.equals(step));
    }

    @Test
    void shouldFailUnfinishedJobsWithPartialUsageWhenClosed() {
        SimulatedModelAdapter slow =
                SimulatedModelAdapter.create(LatencyModel.load("llama-8b-shape", 1_000.0), Clock.systemUTC());
        List<CompletableFuture<JobOutcome>> futures =
                slow.run("sim-echo", List.of(chat("j1", "never ending")), this::record);

        slow.close();

        JobOutcome outcome = futures.getFirst().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(outcome).isInstanceOfSatisfying(JobOutcome.Failed.class, f -> {
            assertThat(f.error().code()).isEqualTo("adapter_closed");
            assertThat(f.partialUsage()).isEqualTo(new Usage(2, 0));
        });
        assertThat(slow.run("sim-echo", List.of(chat("j2", "late")), this::record)
                        .getFirst()
                        .join())
                .isInstanceOf(JobOutcome.Failed.class);
    }

    private static String textOf(String jobId) {
        return switch (jobId) {
            case "a" -> "a1 a2";
            case "b" -> "b1 b2 b3 b4";
            case "c" -> "c1 c2 c3";
            default -> throw new IllegalArgumentException(jobId);
        };
    }

    /** 1-based position of a token in its job's echo. */
    private static int positionIn(String text, Emitted token) {
        return Words.of(text).indexOf(token.text().strip()) + 1;
    }

    private void record(String jobId, int index, String text) {
        tokens.add(new Emitted(jobId, index, text, clock.instant()));
    }

    private JobOutcome runOne(DispatchedJob job) {
        return adapter.run("sim-echo", List.of(job), this::record)
                .getFirst()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    private static JobOutcome.Succeeded succeeded(JobOutcome outcome) {
        assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        return (JobOutcome.Succeeded) outcome;
    }
}
