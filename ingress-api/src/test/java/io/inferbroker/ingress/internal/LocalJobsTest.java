package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TokenDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class LocalJobsTest {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    private final LocalJobs jobs = new LocalJobs(8);

    @Test
    void shouldGiveAStreamSubscribingBeforeTheFirstTokenAnEmptyLogThatTakesTheTokens() {
        jobs.producing("job-new");
        jobs.keepTokens("job-new");

        assertThat(jobs.recentTokens("job-new", StreamPosition.START)).isEmpty();
        TokenLog log = jobs.tokenArrives("job-new");
        assertThat(log).isNotNull();
        log.append(delta("job-new", 1, "hello"));
        // A second stream of the job shares the log: it does not start again.
        jobs.keepTokens("job-new");
        assertThat(jobs.recentTokens("job-new", StreamPosition.START))
                .extracting(TokenDelta::text)
                .containsExactly("hello");
    }

    @Test
    void shouldSendAStreamSubscribingAfterTheFirstTokenToKafkaForWhatCameBefore() {
        jobs.producing("job-early");
        assertThat(jobs.tokenArrives("job-early")).isNull();

        jobs.keepTokens("job-early");

        assertThat(jobs.recentTokens("job-early", StreamPosition.START)).isNull();
        TokenLog log = jobs.tokenArrives("job-early");
        assertThat(log).isNotNull();
        log.append(delta("job-early", 2, " world"));
        assertThat(jobs.recentTokens("job-early", StreamPosition.START)).isNull();
        assertThat(jobs.recentTokens("job-early", StreamPosition.of(delta("job-early", 1, "hello"))))
                .extracting(TokenDelta::text)
                .containsExactly(" world");
    }

    @Test
    void shouldNotVouchForTheBacklogOfAJobProducedElsewhere() {
        jobs.keepTokens("job-elsewhere");

        assertThat(jobs.recentTokens("job-elsewhere", StreamPosition.START)).isNull();
        assertThat(jobs.recentTokens("job-unstreamed", StreamPosition.START)).isNull();
        assertThat(jobs.tokenArrives("job-unstreamed")).isNull();
    }

    /**
     * A stream subscribing and the job's first token race for the first-token mark: whoever wins, the
     * stream either reads the token from its log or is sent to Kafka, never an empty log that
     * missed the token.
     */
    @Test
    void shouldNeverLoseTheFirstTokenToAStreamSubscribingAtTheSameTime() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 2_000; i++) {
                String id = "job-race-" + i;
                TokenDelta first = delta(id, 1, "first");
                jobs.producing(id);
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Void> stream = CompletableFuture.runAsync(
                        () -> {
                            awaitLatch(go);
                            jobs.keepTokens(id);
                        },
                        threads);
                CompletableFuture<Void> token = CompletableFuture.runAsync(
                        () -> {
                            awaitLatch(go);
                            TokenLog log = jobs.tokenArrives(id);
                            if (log != null) {
                                log.append(first);
                            }
                        },
                        threads);
                go.countDown();
                CompletableFuture.allOf(stream, token).join();

                @Nullable List<TokenDelta> seen = jobs.recentTokens(id, StreamPosition.START);
                assertThat(seen == null || seen.equals(List.of(first)))
                        .as("job %s: the stream's log holds %s", id, seen)
                        .isTrue();
            }
        }
    }

    @Test
    void shouldFollowAProducedJobByItsLifecycleEventsAndDropItAtTheEnd() {
        jobs.producing("job-run");
        assertThat(jobs.producedStatus("job-run")).contains(JobStatus.QUEUED);
        assertThat(jobs.followsEvents("job-run")).isTrue();

        jobs.eventRead(event("job-run", LifecycleType.DISPATCHED));
        assertThat(jobs.producedStatus("job-run")).contains(JobStatus.DISPATCHED);
        jobs.eventRead(event("job-run", LifecycleType.STARTED));
        jobs.eventRead(event("job-elsewhere", LifecycleType.STARTED));
        assertThat(jobs.producedStatus("job-run")).contains(JobStatus.RUNNING);
        assertThat(jobs.producedStatus("job-elsewhere")).isEmpty();
        assertThat(jobs.followsEvents("job-elsewhere")).isFalse();

        jobs.eventRead(event("job-run", LifecycleType.SUCCEEDED));
        assertThat(jobs.producedStatus("job-run")).isEmpty();
        assertThat(jobs.followsEvents("job-run")).isFalse();
    }

    @Test
    void shouldVouchForAnUnfinishedJobOnlyUntilItsResultArrives() {
        jobs.feedReading(true);
        Instant acceptedAt = Instant.now();
        assertThat(jobs.knownUnfinished("job-done", acceptedAt)).isTrue();

        jobs.resultRead(result("job-done", JobStatus.SUCCEEDED));
        jobs.resultRead(result("job-done", JobStatus.FAILED));

        assertThat(jobs.knownUnfinished("job-done", acceptedAt)).isFalse();
        assertThat(jobs.recentResult("job-done")).extracting(JobResult::status).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(jobs.recentResult("job-other")).isNull();
    }

    @Test
    void shouldNotVouchWhileNoFeedReadsTheResults() {
        Instant acceptedAt = Instant.now();
        assertThat(jobs.knownUnfinished("job-a", acceptedAt)).isFalse();

        jobs.feedReading(true);
        assertThat(jobs.knownUnfinished("job-a", acceptedAt)).isTrue();
        jobs.feedReading(false);
        assertThat(jobs.knownUnfinished("job-a", acceptedAt)).isFalse();
    }

    @Test
    void shouldNotVouchForAJobAcceptedBeforeAResultWasDroppedForRoom() {
        LocalJobs small = new LocalJobs(8, 2);
        small.feedReading(true);
        Instant acceptedAt = Instant.now();
        assertThat(small.knownUnfinished("job-waiting", acceptedAt)).isTrue();

        for (int i = 0; i < 3; i++) {
            small.resultRead(result("job-" + i, JobStatus.SUCCEEDED));
        }

        // The cache evicts on its own maintenance thread.
        await().atMost(Duration.ofSeconds(10)).until(() -> !small.knownUnfinished("job-waiting", acceptedAt));
        assertThat(small.recentResult("job-waiting")).isNull();
        assertThat(small.knownUnfinished("job-accepted-later", Instant.now().plusSeconds(2)))
                .isTrue();
    }

    @Test
    void shouldShowAnAcceptedJobToItsOwnTenantOnly() {
        JobRequested job = requested("job-a", "tenant-a");
        jobs.accepted(job);

        assertThat(jobs.acceptedHere("tenant-a", "job-a")).contains(job);
        assertThat(jobs.acceptedHere("tenant-b", "job-a")).isEmpty();
        assertThat(jobs.acceptedHere("tenant-a", "job-other")).isEmpty();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static TokenDelta delta(String jobId, long seq, String text) {
        return new TokenDelta(TokenDelta.VERSION, jobId, 1, seq, 0, text, T);
    }

    private static LifecycleEvent event(String jobId, LifecycleType type) {
        return new LifecycleEvent(LifecycleEvent.VERSION, jobId, "tenant", "sim-echo", type, T, "sim-1", 1, null);
    }

    private static JobResult result(String jobId, JobStatus status) {
        return new JobResult(
                JobResult.VERSION,
                jobId,
                "tenant",
                "sim-echo",
                status,
                null,
                null,
                null,
                null,
                "sim-1",
                1,
                new Timings(T, null, null, null, T));
    }

    private static JobRequested requested(String jobId, String tenantId) {
        return new JobRequested(
                JobRequested.VERSION,
                jobId,
                tenantId,
                "key-1",
                "sim-echo",
                JobKind.CHAT,
                JsonNodeFactory.instance.objectNode(),
                0,
                null,
                null,
                Map.of(),
                null,
                null,
                T);
    }
}
