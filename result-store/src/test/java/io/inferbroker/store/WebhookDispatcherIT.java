package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.schemas.DeliveryOutcome;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WebhookDelivery;
import io.inferbroker.schemas.WebhookTarget;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.TestReceiver.Reply;
import io.inferbroker.store.api.DeliveryRecord;
import io.inferbroker.store.api.WebhookStore;
import io.inferbroker.store.internal.Decoded;
import io.inferbroker.store.internal.DeliveryPlanner;
import io.inferbroker.store.internal.JdbiRecordWriter;
import io.inferbroker.store.internal.JobWriter;
import io.inferbroker.store.internal.Source;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.TopicProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class WebhookDispatcherIT {
    private static final String TENANT = "ten_hooks";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final WebhookConfig FAST = new WebhookConfig(
            List.of(Duration.ofMillis(100), Duration.ofMillis(100)),
            0,
            Duration.ofMillis(700),
            List.of("127.0.0.1"),
            16,
            Duration.ofMillis(50));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong offsets = new AtomicLong();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private StoreDatabase db;
    private JdbiRecordWriter writer;
    private TestReceiver receiver;

    @BeforeEach
    void start(PostgresInfra pg) throws Exception {
        db = StoreDatabase.open(new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 4, pg.schema()), registry);
        var mapper = WireJson.newMapper();
        writer = new JdbiRecordWriter(
                db.jdbi(), new JobWriter(mapper, Clock.systemUTC()), new DeliveryPlanner(mapper), Clock.systemUTC());
        receiver = new TestReceiver();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        receiver.close();
        db.close();
    }

    @Test
    void shouldDeliverSignedMessagesInLifecycleOrderToSubscriptionsAndTheJobsOwnWebhook() {
        var sub = db.webhooks().create(TENANT, receiver.url("/sub"), List.of("job.*"));
        String jobSecret = db.webhooks().rotateJobSecret(TENANT, Duration.ZERO);
        finishedJob("job-1", new WebhookTarget(receiver.url("/job"), List.of()));
        dispatcher(FAST);

        await().atMost(WAIT)
                .until(() -> receiver.received("/sub").size() == 2
                        && receiver.received("/job").size() == 1);
        var subMessages = receiver.received("/sub");
        assertThat(subMessages).extracting(TestReceiver.Received::type).containsExactly("job.started", "job.succeeded");
        long now = Instant.now().getEpochSecond();
        var subVerifier = new StandardWebhooksVerifier(sub.secret());
        assertThat(subMessages).allMatch(r -> subVerifier.verify(r.headers(), r.body(), now));
        var own = receiver.received("/job").getFirst();
        assertThat(own.type()).isEqualTo("job.succeeded");
        assertThat(new StandardWebhooksVerifier(jobSecret).verify(own.headers(), own.body(), now))
                .isTrue();
        assertThat(subVerifier.verify(own.headers(), own.body(), now)).isFalse();
        assertThat(own.body()).contains("\"status\":\"succeeded\"").contains("\"text\":\"done\"");

        // A redelivered result and a late event add no message.
        write(new Decoded.Result(source(Topic.RESULTS), WireFixtures.succeeded("job-1", TENANT, "w-2", 2, "again")));
        write(event("job-1", LifecycleType.STARTED));
        await().during(Duration.ofMillis(400))
                .atMost(WAIT)
                .until(() -> receiver.all().size() == 3);
        assertThat(db.webhooks().deliveriesOfJob(TENANT, "job-1"))
                .extracting(DeliveryRecord::eventType, DeliveryRecord::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("job.started", "delivered"),
                        org.assertj.core.groups.Tuple.tuple("job.succeeded", "delivered"),
                        org.assertj.core.groups.Tuple.tuple("job.succeeded", "delivered"));
        assertThat(db.webhooks().deliveriesOfJob("ten_other", "job-1")).isEmpty();
    }

    @Test
    void shouldRetryWithTheSameWebhookIdUntilTheReceiverRecoversAndPublishEachAttempt(KafkaInfra kafka) {
        receiver.on("/flaky", n -> n < 2 ? Reply.status(500) : Reply.status(200));
        db.webhooks().create(TENANT, receiver.url("/flaky"), List.of("job.succeeded"));
        finishedJob("job-2", null);
        var producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.WEBHOOK_DELIVERY);
        closing.add(producer);
        TopicProbe<WebhookDelivery> probe = kafka.probe(kafka.topics().webhooks(), WireSerdes.WEBHOOK_DELIVERY);
        closing.add(probe);
        closing.add(WebhookDispatcher.start(db, FAST, producer, kafka.topics(), registry, Clock.systemUTC()));

        await().atMost(WAIT).until(() -> receiver.received("/flaky").size() == 3);
        assertThat(receiver.received("/flaky"))
                .extracting(TestReceiver.Received::id)
                .containsOnly(receiver.received("/flaky").getFirst().id());
        DeliveryRecord d = awaitStatus("job-2", "delivered");
        assertThat(d.attemptLog())
                .extracting(DeliveryRecord.Attempt::outcome)
                .containsExactly("failed", "failed", "delivered");
        assertThat(d.attemptLog())
                .extracting(DeliveryRecord.Attempt::httpStatus)
                .containsExactly(500, 500, 200);
        var published = probe.awaitCount(3, WAIT);
        assertThat(published)
                .extracting(r -> r.value().outcome())
                .containsExactly(DeliveryOutcome.FAILED, DeliveryOutcome.FAILED, DeliveryOutcome.DELIVERED);
        assertThat(published)
                .allMatch(r -> r.key().equals(d.id()) && r.value().jobId().equals("job-2"));
    }

    @Test
    void shouldTimeOutASlowReceiverAndKeepAnExhaustedMessageForAManualRetry() {
        receiver.on("/slow", n -> n < 3 ? new Reply(200, Map.of(), 2_000) : Reply.status(200));
        db.webhooks().create(TENANT, receiver.url("/slow"), List.of("job.succeeded"));
        finishedJob("job-3", null);
        dispatcher(FAST);

        DeliveryRecord exhausted = awaitStatus("job-3", "exhausted");
        assertThat(exhausted.attempts()).isEqualTo(3);
        assertThat(exhausted.lastError()).isEqualTo("timed out");
        assertThat(exhausted.attemptLog())
                .extracting(DeliveryRecord.Attempt::outcome)
                .containsExactly("failed", "failed", "exhausted");

        assertThat(db.webhooks().retry("ten_other", exhausted.id())).isInstanceOf(WebhookStore.Retry.NotFound.class);
        assertThat(db.webhooks().retry(TENANT, exhausted.id())).isInstanceOf(WebhookStore.Retry.Scheduled.class);
        DeliveryRecord delivered = awaitStatus("job-3", "delivered");
        assertThat(delivered.attempts()).isEqualTo(4);
        assertThat(db.webhooks().retry(TENANT, exhausted.id())).isInstanceOf(WebhookStore.Retry.NotRetryable.class);
    }

    @Test
    void shouldDisableASubscriptionThatAnswersGone() {
        receiver.on("/gone", n -> Reply.status(410));
        var sub = db.webhooks().create(TENANT, receiver.url("/gone"), List.of("job.*"));
        finishedJob("job-4", null);
        dispatcher(FAST);

        await().atMost(WAIT)
                .until(
                        () -> db.webhooks()
                                .find(TENANT, sub.subscription().id())
                                .orElseThrow()
                                .status(),
                        "disabled"::equals);
        assertThat(receiver.received("/gone")).hasSize(1);
        assertThat(db.webhooks().deliveriesOfJob(TENANT, "job-4"))
                .extracting(DeliveryRecord::status)
                .containsExactly("disabled", "disabled");
        finishedJob("job-5", null);
        assertThat(db.webhooks().deliveriesOfJob(TENANT, "job-5")).isEmpty();
    }

    @Test
    void shouldNotFollowRedirects() {
        receiver.on("/moved", n -> new Reply(302, Map.of("Location", receiver.url("/elsewhere")), 0));
        db.webhooks().create(TENANT, receiver.url("/moved"), List.of("job.succeeded"));
        finishedJob("job-10", null);
        dispatcher(FAST);

        DeliveryRecord d = awaitStatus("job-10", "exhausted");
        assertThat(d.lastHttpStatus()).isEqualTo(302);
        assertThat(d.lastError()).isEqualTo("redirect not followed");
        assertThat(receiver.received("/moved")).hasSize(3);
        assertThat(receiver.received("/elsewhere")).isEmpty();
    }

    @Test
    void shouldWaitAsLongAsRetryAfterAsks() {
        receiver.on("/busy", n -> n == 0 ? new Reply(503, Map.of("Retry-After", "3"), 0) : Reply.status(200));
        db.webhooks().create(TENANT, receiver.url("/busy"), List.of("job.succeeded"));
        finishedJob("job-6", null);
        dispatcher(FAST);

        awaitStatus("job-6", "delivered");
        var busy = receiver.received("/busy");
        assertThat(Duration.between(busy.get(0).at(), busy.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(2_900));
    }

    @Test
    void shouldSignWithTheOldAndNewSecretsDuringARotationOnly() {
        var sub = db.webhooks().create(TENANT, receiver.url("/rot"), List.of("job.succeeded"));
        String id = sub.subscription().id();
        String second =
                db.webhooks().rotateSecret(TENANT, id, Duration.ofHours(1)).orElseThrow();
        finishedJob("job-7", null);
        dispatcher(FAST);
        await().atMost(WAIT).until(() -> receiver.received("/rot").size() == 1);
        var first = receiver.received("/rot").getFirst();
        long now = Instant.now().getEpochSecond();
        assertThat(first.headers().get("webhook-signature").split(" ")).hasSize(2);
        assertThat(new StandardWebhooksVerifier(sub.secret()).verify(first.headers(), first.body(), now))
                .isTrue();
        assertThat(new StandardWebhooksVerifier(second).verify(first.headers(), first.body(), now))
                .isTrue();

        String third = db.webhooks().rotateSecret(TENANT, id, Duration.ZERO).orElseThrow();
        finishedJob("job-8", null);
        await().atMost(WAIT).until(() -> receiver.received("/rot").size() == 2);
        var later = receiver.received("/rot").get(1);
        assertThat(later.headers().get("webhook-signature").split(" ")).hasSize(1);
        assertThat(new StandardWebhooksVerifier(third).verify(later.headers(), later.body(), now))
                .isTrue();
        assertThat(new StandardWebhooksVerifier(second).verify(later.headers(), later.body(), now))
                .isFalse();
        assertThat(db.webhooks().rotateSecret("ten_other", id, Duration.ZERO)).isEmpty();
    }

    @Test
    void shouldRefuseLoopbackTargetsThatAreNotAllowListed() {
        db.webhooks().create(TENANT, receiver.url("/ip"), List.of("job.succeeded"));
        db.webhooks().create(TENANT, "http://localhost:" + receiver.port() + "/name", List.of("job.succeeded"));
        finishedJob("job-9", null);
        dispatcher(FAST.withAllowList(List.of("10.0.0.0/8")));

        await().atMost(WAIT)
                .until(() -> db.webhooks().deliveriesOfJob(TENANT, "job-9").stream()
                        .allMatch(d -> d.status().equals("exhausted")));
        assertThat(receiver.all()).isEmpty();
        assertThat(db.webhooks().deliveriesOfJob(TENANT, "job-9")).allSatisfy(d -> {
            assertThat(d.attemptLog())
                    .extracting(DeliveryRecord.Attempt::outcome)
                    .startsWith("refused");
            assertThat(d.lastError()).contains("refused").contains("webhooks.allow_list");
        });
    }

    @Test
    void shouldNeverSendAMessageTwiceFromTwoDispatchersOnOneDatabase() {
        db.webhooks().create(TENANT, receiver.url("/many"), List.of("job.succeeded"));
        int jobs = 120;
        List<Decoded> batch = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            batch.add(new Decoded.Result(
                    source(Topic.RESULTS), WireFixtures.succeeded("many-" + i, TENANT, "w", 1, "x")));
        }
        write(batch.toArray(Decoded[]::new));
        WebhookConfig small =
                new WebhookConfig(FAST.schedule(), 0, FAST.timeout(), FAST.allowList(), 4, Duration.ofMillis(10));
        dispatcher(small);
        dispatcher(small);

        await().atMost(WAIT).until(() -> receiver.received("/many").size() >= jobs);
        await().during(Duration.ofMillis(500))
                .atMost(WAIT)
                .until(() -> receiver.received("/many").size() == jobs);
        Set<String> ids = new HashSet<>();
        receiver.received("/many").forEach(r -> ids.add(r.id()));
        assertThat(ids).hasSize(jobs);
    }

    private void dispatcher(WebhookConfig config) {
        closing.add(WebhookDispatcher.start(db, config, null, new TopicNames("t."), registry, Clock.systemUTC()));
    }

    private DeliveryRecord awaitStatus(String jobId, String status) {
        return await().atMost(WAIT)
                .until(
                        () -> db.webhooks().deliveriesOfJob(TENANT, jobId),
                        l -> !l.isEmpty() && l.getLast().status().equals(status))
                .getLast();
    }

    /** A job's request (with its own webhook, if any), start and success, written in one batch. */
    private void finishedJob(String jobId, WebhookTarget webhook) {
        JobRequested r = WireFixtures.request(jobId, TENANT);
        JobRequested withHook = new JobRequested(
                r.schemaVersion(),
                r.jobId(),
                r.tenantId(),
                r.apiKeyId(),
                r.model(),
                r.kind(),
                r.input(),
                r.priority(),
                r.deadline(),
                webhook,
                r.metadata(),
                r.idempotencyKey(),
                r.replyTo(),
                r.acceptedAt());
        write(
                new Decoded.Request(source(Topic.REQUESTS), withHook),
                event(jobId, LifecycleType.STARTED),
                new Decoded.Result(source(Topic.RESULTS), WireFixtures.succeeded(jobId, TENANT, "w-1", 1, "done")));
    }

    private Decoded event(String jobId, LifecycleType type) {
        return new Decoded.Event(
                source(Topic.EVENTS), WireFixtures.event(jobId, TENANT, type, Duration.ofSeconds(2), "w-1", 1));
    }

    private void write(Decoded... records) {
        writer.write(List.of(records));
    }

    private Source source(Topic topic) {
        return new Source(topic, topic.baseName(), 0, offsets.incrementAndGet());
    }
}
