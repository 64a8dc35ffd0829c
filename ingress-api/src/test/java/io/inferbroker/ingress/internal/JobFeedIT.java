package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.TopicProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class JobFeedIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    private static final ObjectMapper JSON = WireJson.newMapper();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private KafkaInfra kafka;
    private KafkaProducer<String, TokenDelta> tokens;
    private KafkaProducer<String, JobResult> results;
    private KafkaProducer<String, LifecycleEvent> events;
    private LocalJobs jobs;
    private JobFeed feed;

    @BeforeEach
    void start(KafkaInfra kafka) {
        this.kafka = kafka;
        tokens = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.TOKEN_DELTA);
        results = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_RESULT);
        events = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.LIFECYCLE_EVENT);
        jobs = new LocalJobs(3);
        feed = JobFeed.start(
                kafka.clientProps(),
                kafka.topics(),
                3,
                jobs,
                new IngressMetrics(registry),
                Clock.fixed(T, ZoneOffset.UTC),
                WAIT);
    }

    @AfterEach
    void stop() {
        feed.close();
        tokens.close();
        results.close();
        events.close();
    }

    @Test
    void shouldHandTokensAndResultsToTheSubscribersOfTheirJobOnly() throws Exception {
        FeedSubscription a = feed.subscribeStream("job-a");
        FeedSubscription b = feed.subscribeStream("job-b");
        FeedSubscription aResult = feed.subscribe("job-a");

        token("job-a", 1, "hello");
        token("job-b", 1, "other");
        token("job-a", 2, " broker");
        result("job-a");

        assertThat(aResult.awaitResult(WAIT).join())
                .hasValueSatisfying(r -> assertThat(r.jobId()).isEqualTo("job-a"));
        assertThat(drain(a, 3)).containsExactly("token:hello", "token: broker", "result:job-a");
        assertThat(drain(b, 1)).containsExactly("token:other");
        assertThat(b.next(Duration.ofMillis(300))).isEmpty();
        assertThat(registry.get("broker.ingress.feed.subscribers").gauge().value())
                .isEqualTo(3.0);
        assertThat(registry.get("broker.ingress.feed.records")
                        .tag("topic", "tokens")
                        .counter()
                        .count())
                .isEqualTo(3.0);
        a.close();
        b.close();
        aResult.close();
        assertThat(registry.get("broker.ingress.feed.subscribers").gauge().value())
                .isZero();
    }

    @Test
    void shouldDeadLetterAResultWithoutTenantAndGoOnFeeding() throws Exception {
        FeedSubscription poisoned = feed.subscribe("job-poison");
        FeedSubscription fine = feed.subscribe("job-fine");
        ObjectNode poison = (ObjectNode)
                JSON.readTree(WireSerdes.JOB_RESULT.serialize(kafka.topics().results(), succeeded("job-poison")));
        poison.remove("tenant_id");
        try (KafkaProducer<String, byte[]> raw =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
                TopicProbe<DeadLetter> letters = kafka.probe(kafka.topics().deadLetters(), WireSerdes.DEAD_LETTER)) {
            raw.send(new ProducerRecord<>(kafka.topics().results(), "job-poison", JSON.writeValueAsBytes(poison)))
                    .get();
            result("job-fine");

            assertThat(fine.awaitResult(WAIT).join())
                    .hasValueSatisfying(r -> assertThat(r.jobId()).isEqualTo("job-fine"));
            DeadLetter letter = letters
                    .awaitUntil(
                            seen -> seen.stream()
                                    .anyMatch(r -> "job-poison".equals(r.value().key())),
                            WAIT)
                    .stream()
                    .map(ConsumerRecord::value)
                    .filter(l -> "job-poison".equals(l.key()) && l.role() == ConsumerRole.INGRESS)
                    .findFirst()
                    .orElseThrow();
            assertThat(letter.reason()).isEqualTo("tenant_id is missing");
            assertThat(letter.topic()).isEqualTo(kafka.topics().results());
            assertThat(letter.at()).as("dated by the feed's clock").isEqualTo(T);
            assertThat(registry.get("broker.dead_letters")
                            .tag("role", "ingress")
                            .tag("topic", kafka.topics().results())
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(feed.isReady()).isTrue();
        }
        poisoned.close();
        fine.close();
    }

    @Test
    void shouldVouchThatAJobItProducesHasNoBacklogOnlyUntilItsFirstTokenCame() throws Exception {
        jobs.producing("job-new");
        jobs.producing("job-early");
        // job-early's first token reaches the feed before any stream subscribes to it here.
        FeedSubscription watch = feed.subscribe("job-early");
        token("job-early", 1, "first");
        await().atMost(WAIT)
                .until(() -> registry.get("broker.ingress.feed.records")
                                .tag("topic", "tokens")
                                .counter()
                                .count()
                        == 1.0);
        watch.close();

        FeedSubscription fresh = feed.subscribeStream("job-new");
        FeedSubscription late = feed.subscribeStream("job-early");
        FeedSubscription unknown = feed.subscribeStream("job-elsewhere");

        assertThat(jobs.recentTokens("job-new", StreamPosition.START)).isEmpty();
        assertThat(jobs.recentTokens("job-early", StreamPosition.START)).isNull();
        assertThat(jobs.recentTokens("job-elsewhere", StreamPosition.START)).isNull();
        token("job-new", 1, "hello");
        assertThat(drain(fresh, 1)).containsExactly("token:hello");
        assertThat(jobs.recentTokens("job-new", StreamPosition.START))
                .extracting(TokenDelta::text)
                .containsExactly("hello");
        fresh.close();
        late.close();
        unknown.close();
    }

    @Test
    void shouldFollowWhereAJobItProducesStandsUntilItEnds() throws Exception {
        jobs.producing("job-run");
        assertThat(jobs.producedStatus("job-run")).contains(JobStatus.QUEUED);

        event("job-run", LifecycleType.DISPATCHED);
        event("job-run", LifecycleType.STARTED);
        event("job-elsewhere", LifecycleType.STARTED);

        await().atMost(WAIT).until(() -> jobs.producedStatus("job-run").equals(Optional.of(JobStatus.RUNNING)));
        assertThat(jobs.producedStatus("job-elsewhere")).isEmpty();
        event("job-run", LifecycleType.SUCCEEDED);
        await().atMost(WAIT).until(() -> jobs.producedStatus("job-run").isEmpty());
    }

    @Test
    void shouldCutASubscriberThatFallsTooFarBehindAndNoOther() throws Exception {
        FeedSubscription slow = feed.subscribeStream("job-slow");
        FeedSubscription other = feed.subscribe("job-other");

        for (int seq = 1; seq <= 5; seq++) {
            token("job-slow", seq, "w" + seq);
        }
        result("job-other");

        assertThat(other.awaitResult(WAIT).join()).isPresent();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThatThrownBy(() -> slow.next(Duration.ofMillis(50)))
                        .isInstanceOfSatisfying(
                                FeedEndedException.class,
                                e -> assertThat(e.reason()).isEqualTo(FeedEndedException.Reason.OVERFLOW)));
    }

    @Test
    void shouldAnswerASubscriberThatCameJustAfterTheResult() throws Exception {
        FeedSubscription early = feed.subscribe("job-late");
        result("job-late");
        assertThat(early.awaitResult(WAIT).join()).isPresent();

        FeedSubscription late = feed.subscribe("job-late");

        assertThat(late.awaitResult(Duration.ofMillis(200)).join()).isPresent();
    }

    @Test
    void shouldServeThousandsOfWaitersAtOnce() throws Exception {
        int waiters = 3000;
        List<CompletableFuture<Optional<JobResult>>> answers = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            answers.add(feed.subscribe("job-" + i).awaitResult(WAIT));
        }
        assertThat(registry.get("broker.ingress.feed.subscribers").gauge().value())
                .isEqualTo(waiters);

        for (int i = waiters - 1; i >= 0; i--) {
            results.send(new ProducerRecord<>(kafka.topics().results(), "job-" + i, succeeded("job-" + i)));
        }
        results.flush();

        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        for (int i = 0; i < waiters; i++) {
            assertThat(answers.get(i).join().orElseThrow().jobId()).isEqualTo("job-" + i);
        }
    }

    @Test
    void shouldEndOpenSubscriptionsAndReportNotReadyWhenClosed() {
        assertThat(feed.isReady()).isTrue();
        FeedSubscription open = feed.subscribe("job-open");

        feed.close();

        assertThat(feed.isReady()).isFalse();
        assertThatThrownBy(() -> open.awaitResult(WAIT).join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        FeedEndedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FeedEndedException.Reason.FEED_CLOSED));
        assertThatThrownBy(() -> feed.subscribe("job-after").awaitResult(WAIT).join())
                .hasCauseInstanceOf(FeedEndedException.class);
    }

    private List<String> drain(FeedSubscription sub, int count) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        while (seen.size() < count) {
            FeedRecord r = sub.next(WAIT).orElseThrow(() -> new AssertionError("nothing arrived; saw " + seen));
            seen.add(
                    switch (r) {
                        case FeedRecord.Token t -> "token:" + t.delta().text();
                        case FeedRecord.Status s -> "status:" + s.event().type();
                        case FeedRecord.Result res -> "result:" + res.jobId();
                    });
        }
        return seen;
    }

    private void token(String jobId, long seq, String text) throws Exception {
        tokens.send(new ProducerRecord<>(
                        kafka.topics().tokens(), jobId, new TokenDelta(TokenDelta.VERSION, jobId, 1, seq, 0, text, T)))
                .get();
    }

    private void event(String jobId, LifecycleType type) throws Exception {
        events.send(new ProducerRecord<>(
                        kafka.topics().events(),
                        jobId,
                        new LifecycleEvent(
                                LifecycleEvent.VERSION, jobId, "tenant", "sim-echo", type, T, "sim-1", 1, null)))
                .get();
    }

    private void result(String jobId) throws Exception {
        results.send(new ProducerRecord<>(kafka.topics().results(), jobId, succeeded(jobId)))
                .get();
    }

    private static JobResult succeeded(String jobId) {
        return new JobResult(
                JobResult.VERSION,
                jobId,
                "tenant",
                "sim-echo",
                JobStatus.SUCCEEDED,
                null,
                null,
                null,
                null,
                "sim-1",
                1,
                new Timings(T, null, null, null, T));
    }
}
