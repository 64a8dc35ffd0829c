package io.inferbroker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.testkit.upstream.Scenario;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ModelAdapter} promises, run against each adapter with its own kind of model
 * server (the simulator has none; HTTP adapters run against the fake servers of the testkit, which
 * reproduce their upstream's formats and failures). Subclasses say how to build the adapter and its
 * jobs, and how to arrange upstream {@link Scenario}s; tests about upstream failures are skipped for
 * adapters without an upstream.
 */
public abstract class ModelAdapterContract {
    protected static final String MODEL = "contract-model";
    protected static final Duration FIRST_TOKEN_TIMEOUT = Duration.ofMillis(1500);

    protected ModelAdapter adapter;
    private final Map<String, List<String>> tokens = new ConcurrentHashMap<>();

    /** A new adapter; first-token timeout {@link #FIRST_TOKEN_TIMEOUT}, 3 attempts, short backoff. */
    protected abstract ModelAdapter newAdapter();

    /** The {@code i}-th of several distinct jobs the adapter answers. */
    protected abstract DispatchedJob job(String id, int i);

    /** Checks that {@code outcome} is the right answer to {@code job(id, i)}. */
    protected abstract void assertAnswer(int i, JobOutcome.Succeeded outcome, List<String> tokens);

    /** A job whose input the adapter cannot run. */
    protected abstract DispatchedJob invalidJob(String id);

    /** A job that runs until it is stopped (with {@link Scenario.Endless} arranged for servers). */
    protected abstract DispatchedJob longJob(String id);

    /** Queues upstream scenarios for the next calls; false when the adapter has no upstream. */
    protected abstract boolean arrange(Scenario... scenarios);

    /** Requests the upstream received. */
    protected abstract int upstreamRequests();

    /** Answers the upstream was still sending when the adapter hung up. */
    protected abstract int upstreamDisconnects();

    /** How big the answer to a {@link Scenario.Huge} request is, in the unit the scenario counts. */
    protected abstract int hugeSize(JobOutcome.Succeeded outcome);

    /** Whether the adapter streams tokens (embeddings and tensors do not). */
    protected abstract boolean streams();

    @BeforeEach
    void startAdapter() {
        adapter = newAdapter();
    }

    @AfterEach
    void closeAdapter() {
        adapter.close();
    }

    protected final TokenSink sink() {
        return (jobId, index, text) -> tokens.computeIfAbsent(
                        jobId, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(text);
    }

    protected final List<String> tokensOf(String jobId) {
        return List.copyOf(tokens.getOrDefault(jobId, List.of()));
    }

    protected final JobOutcome outcomeOf(CompletableFuture<JobOutcome> future) {
        try {
            return future.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the job did not end", e);
        }
    }

    protected final JobOutcome runOne(DispatchedJob job) {
        return outcomeOf(adapter.run(MODEL, List.of(job), sink()).get(0));
    }

    protected static String codeOf(JobOutcome outcome) {
        assertThat(outcome).isInstanceOf(JobOutcome.Failed.class);
        return ((JobOutcome.Failed) outcome).error().code();
    }

    @Test
    void shouldAnswerEveryJobOfABatchInItsPlace() {
        List<DispatchedJob> jobs = List.of(job("a", 0), job("b", 1), job("c", 2));

        List<CompletableFuture<JobOutcome>> futures = adapter.run(MODEL, jobs, sink());

        assertThat(futures).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JobOutcome outcome = outcomeOf(futures.get(i));
            assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
            JobOutcome.Succeeded done = (JobOutcome.Succeeded) outcome;
            assertThat(done.usage()).isNotNull();
            assertAnswer(i, done, tokensOf(jobs.get(i).jobId()));
        }
    }

    @Test
    void shouldFailAnInvalidJobAloneWithItsInputAtFault() {
        List<CompletableFuture<JobOutcome>> futures =
                adapter.run(MODEL, List.of(job("a", 0), invalidJob("bad"), job("c", 2)), sink());

        assertThat(outcomeOf(futures.get(0))).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(codeOf(outcomeOf(futures.get(1)))).isEqualTo("invalid_input");
        assertThat(outcomeOf(futures.get(2))).isInstanceOf(JobOutcome.Succeeded.class);
    }

    @Test
    void shouldStopAJobWhoseFutureIsCancelled() {
        DispatchedJob job = longJob("long");
        CompletableFuture<JobOutcome> future =
                adapter.run(MODEL, List.of(job), sink()).get(0);
        if (streams()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !tokensOf("long").isEmpty());
        } else {
            await().atMost(Duration.ofSeconds(10)).until(() -> upstreamRequests() > 0);
        }

        future.cancel(true);

        int seen = tokensOf("long").size();
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(5))
                .until(() -> tokensOf("long").size() <= seen + 1);
        if (arrange()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> upstreamDisconnects() >= 1);
        }
    }

    @Test
    void shouldFailRunningJobsWhenClosed() {
        CompletableFuture<JobOutcome> future =
                adapter.run(MODEL, List.of(longJob("long")), sink()).get(0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> streams() ? !tokensOf("long").isEmpty() : upstreamRequests() > 0);

        adapter.close();

        assertThat(codeOf(outcomeOf(future))).isEqualTo("adapter_closed");
        assertThat(codeOf(runOne(job("after", 0)))).isEqualTo("adapter_closed");
    }

    @Test
    void shouldWaitForASlowFirstTokenWithinTheTimeout() {
        assumeTrue(arrange(new Scenario.SlowFirstToken(Duration.ofMillis(200))));

        JobOutcome outcome = runOne(job("slow", 0));

        assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        assertAnswer(0, (JobOutcome.Succeeded) outcome, tokensOf("slow"));
    }

    @Test
    void shouldTimeOutAFirstTokenThatNeverComes() {
        assumeTrue(arrange(new Scenario.SlowFirstToken(FIRST_TOKEN_TIMEOUT.multipliedBy(3))));

        JobOutcome outcome = runOne(job("stuck", 0));

        assertThat(codeOf(outcome)).isEqualTo("upstream_timeout");
        assertThat(upstreamRequests()).isEqualTo(1);
    }

    @Test
    void shouldFailACutAnswerAsCutNeverAsSuccess() {
        assumeTrue(arrange(new Scenario.CutAfter(2)));

        JobOutcome outcome = runOne(job("cut", 0));

        assertThat(codeOf(outcome)).as("%s", outcome).isEqualTo("upstream_stream_cut");
        if (streams()) {
            assertThat(tokensOf("cut")).hasSize(2);
            assertThat(((JobOutcome.Failed) outcome).partialUsage()).isNotNull();
            assertThat(((JobOutcome.Failed) outcome).partialUsage().completionTokens())
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldRetryA429AfterItsRetryAfterAndReportBackpressure() {
        List<Runnable> told = new ArrayList<>();
        adapter.onStatusChange(() -> told.add(() -> {}));
        assumeTrue(arrange(new Scenario.RateLimited(1)));
        long start = System.nanoTime();

        JobOutcome outcome = runOne(job("limited", 0));

        assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(upstreamRequests()).isEqualTo(2);
        assertThat(told).isNotEmpty();
    }

    @Test
    void shouldReport503AsBackpressureUntilItsRetryAfter() {
        assumeTrue(arrange(new Scenario.Unavailable(5), new Scenario.Unavailable(5), new Scenario.Unavailable(5)));

        CompletableFuture<JobOutcome> future =
                adapter.run(MODEL, List.of(job("busy", 0)), sink()).get(0);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> adapter.backpressureUntil().isPresent());
        assertThat(codeOf(outcomeOf(future))).isEqualTo("upstream_unavailable");
        assertThat(upstreamRequests()).isEqualTo(1);
    }

    @Test
    void shouldRetryA500AndGiveUpAfterTheLastAttempt() {
        assumeTrue(arrange(
                new Scenario.Error(500, "boom 1"),
                new Scenario.Error(500, "boom 2"),
                new Scenario.Error(500, "boom 3")));

        JobOutcome outcome = runOne(job("broken", 0));

        assertThat(codeOf(outcome)).isEqualTo("upstream_error");
        assertThat(((JobOutcome.Failed) outcome).error().message()).contains("500", "boom 3");
        assertThat(upstreamRequests()).isEqualTo(3);
    }

    @Test
    void shouldNotRetryARequestTheServerRejects() {
        assumeTrue(arrange(new Scenario.Error(400, "bad request body")));

        JobOutcome outcome = runOne(job("rejected", 0));

        assertThat(codeOf(outcome)).isEqualTo("upstream_rejected");
        assertThat(((JobOutcome.Failed) outcome).error().message()).contains("bad request body");
        assertThat(upstreamRequests()).isEqualTo(1);
    }

    @Test
    void shouldFailAMalformedAnswerNeverSucceedWithIt() {
        assumeTrue(arrange(new Scenario.MalformedChunk(1)));

        JobOutcome outcome = runOne(job("garbled", 0));

        assertThat(codeOf(outcome)).isEqualTo("upstream_malformed");
    }

    @Test
    void shouldCarryAHugeAnswerWhole() {
        int size = 20_000;
        assumeTrue(arrange(new Scenario.Huge(size)));

        JobOutcome outcome = runOne(job("huge", 0));

        assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(hugeSize((JobOutcome.Succeeded) outcome)).isEqualTo(size);
        if (streams()) {
            assertThat(tokensOf("huge")).hasSize(size);
        }
    }

    @Test
    void shouldBeUnhealthyWhileNothingListensAndHealthyOnceTheServerIsBack() throws IOException {
        assumeTrue(arrange());
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ModelAdapter nowhere = adapterAt(port);
        try {
            JobOutcome outcome = outcomeOf(
                    nowhere.run(MODEL, List.of(job("lost", 0)), sink()).get(0));

            assertThat(codeOf(outcome)).isEqualTo("upstream_unreachable");
            assertThat(nowhere.healthy()).isFalse();
            HttpServer back = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            back.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            back.start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(nowhere::healthy);
            } finally {
                back.stop(0);
            }
        } finally {
            nowhere.close();
        }
    }

    /** An adapter of the same kind pointed at 127.0.0.1:{@code port} (only for adapters with an upstream). */
    protected ModelAdapter adapterAt(int port) {
        throw new UnsupportedOperationException("no upstream");
    }
}
