package io.inferbroker.store;

import static io.inferbroker.store.WireFixtures.ACCEPTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WebhookTarget;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.api.JobQuery;
import io.inferbroker.store.api.StoredJob;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.TopicProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class ResultSinkIT {
    private static final String TENANT = "ten_acme";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = WireJson.newMapper();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private PostgresInfra pg;
    private TopicNames topics;
    private StoreDatabase db;
    private ResultSink sink;
    private KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.pg = pg;
        this.topics = kafka.topics();
        db = StoreDatabase.open(new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), registry);
        sink = new ResultSink(db, topics, kafka.clientProps(), topics.prefix() + "store", registry, Clock.systemUTC());
        sink.start();
        producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        producer.close(Duration.ofSeconds(5));
        sink.close();
        db.close();
    }

    @Test
    void shouldStoreASucceededJobFromItsRequestEventsAndResult() {
        send(topics.requests(), "job-1", WireSerdes.JOB_REQUESTED.serialize("", WireFixtures.request("job-1", TENANT)));
        sendEvent("job-1", LifecycleType.QUEUED, Duration.ZERO, null, 0);
        // Events and result agree on the times, as the dispatcher and worker report them: records of
        // different topics may be written in any order, and whichever comes first fills a time.
        sendEvent("job-1", LifecycleType.DISPATCHED, Duration.ofSeconds(1), "worker-a", 1);
        sendEvent("job-1", LifecycleType.STARTED, Duration.ofSeconds(2), "worker-a", 1);
        sendResult(WireFixtures.succeeded("job-1", TENANT, "worker-a", 1, "hello back"));

        StoredJob job = awaitJob("job-1", j -> j.status() == JobStatus.SUCCEEDED && j.kind() == JobKind.CHAT);

        assertThat(job.tenantId()).isEqualTo(TENANT);
        assertThat(job.model()).isEqualTo(WireFixtures.MODEL);
        assertThat(job.createdAt()).isEqualTo(ACCEPTED);
        // events came first for these stages; a timestamp, once set, is kept
        assertThat(job.dispatchedAt()).isEqualTo(ACCEPTED.plusSeconds(1));
        assertThat(job.startedAt()).isEqualTo(ACCEPTED.plusSeconds(2));
        assertThat(job.firstTokenAt()).isEqualTo(ACCEPTED.plusSeconds(3));
        assertThat(job.completedAt()).isEqualTo(ACCEPTED.plusSeconds(4));
        assertThat(job.output().get("text").asText()).isEqualTo("hello back");
        assertThat(job.error()).isNull();
        assertThat(job.usage()).isNotNull();
        assertThat(job.usage().totalTokens()).isEqualTo(46);
        assertThat(job.cost()).isNotNull();
        assertThat(job.cost().amount()).isEqualByComparingTo(new BigDecimal("0.000123"));
        assertThat(job.cost().currency()).isEqualTo("USD");
        assertThat(job.workerId()).isEqualTo("worker-a");
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.metadata()).isEqualTo(Map.of("team", "search"));
    }

    @Test
    void shouldBuildTheFullJobWhenTheResultArrivesBeforeTheRequest() {
        sendResult(WireFixtures.succeeded("job-2", TENANT, "worker-a", 1, "early"));
        StoredJob early = awaitJob("job-2", j -> j.status() == JobStatus.SUCCEEDED);
        assertThat(early.metadata()).isEmpty();

        send(topics.requests(), "job-2", WireSerdes.JOB_REQUESTED.serialize("", WireFixtures.request("job-2", TENANT)));

        StoredJob job = awaitJob("job-2", j -> j.kind() == JobKind.CHAT);
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.output().get("text").asText()).isEqualTo("early");
        assertThat(job.metadata()).isEqualTo(Map.of("team", "search"));
        assertThat(job.createdAt()).isEqualTo(ACCEPTED);
        assertThat(job.dispatchedAt()).isEqualTo(ACCEPTED.plusSeconds(1));
        assertThat(job.completedAt()).isEqualTo(ACCEPTED.plusSeconds(4));
    }

    @Test
    void shouldKeepTheFirstTerminalResultAndRecordTheSecond() throws SQLException {
        sendResult(WireFixtures.succeeded("job-3", TENANT, "worker-a", 1, "first"));
        awaitJob("job-3", j -> j.status() == JobStatus.SUCCEEDED);

        sendResult(WireFixtures.failed("job-3", TENANT, "worker-b", 2));

        await().atMost(WAIT).until(() -> count("select count(*) from job_results where job_id = 'job-3'") == 2);
        StoredJob job = db.jobs().find(TENANT, "job-3").orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.output().get("text").asText()).isEqualTo("first");
        assertThat(job.error()).isNull();
        assertThat(job.workerId()).isEqualTo("worker-a");
        assertThat(job.completedAt()).isEqualTo(ACCEPTED.plusSeconds(4));
        assertThat(job.attempts()).isEqualTo(2);
        assertThat(count("select count(*) from job_results where job_id = 'job-3' and status = 'failed'"
                        + " and worker_id = 'worker-b' and attempt = 2"))
                .isEqualTo(1);
    }

    @Test
    void shouldNotMoveASucceededJobBackOnAStaleDispatchedEvent() {
        // a result whose timings never saw the dispatch
        sendResult(new JobResult(
                JobResult.VERSION,
                "job-4",
                TENANT,
                WireFixtures.MODEL,
                JobStatus.SUCCEEDED,
                null,
                null,
                null,
                null,
                "worker-a",
                1,
                new Timings(ACCEPTED, null, null, null, ACCEPTED.plusSeconds(4))));
        sendEvent("job-4", LifecycleType.SUCCEEDED, Duration.ofSeconds(4), "worker-a", 1);
        awaitJob("job-4", j -> j.status() == JobStatus.SUCCEEDED);

        sendEvent("job-4", LifecycleType.DISPATCHED, Duration.ofSeconds(1), "worker-z", 3);

        // the stale event may still fill a missing timestamp, which shows it was applied
        StoredJob job = awaitJob("job-4", j -> j.dispatchedAt() != null);
        assertThat(job.dispatchedAt()).isEqualTo(ACCEPTED.plusSeconds(1));
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.workerId()).isEqualTo("worker-a");
        assertThat(job.completedAt()).isEqualTo(ACCEPTED.plusSeconds(4));
    }

    @Test
    void shouldSkipAPoisonRecordWithoutBlockingItsPartition() {
        send(topics.results(), "job-5", "{\"job_id\": oops".getBytes(StandardCharsets.UTF_8));
        sendResult(WireFixtures.succeeded("job-5", TENANT, "worker-a", 1, "after poison"));

        StoredJob job = awaitJob("job-5", j -> j.status() == JobStatus.SUCCEEDED);

        assertThat(job.output().get("text").asText()).isEqualTo("after poison");
        assertThat(registry.get("broker.store.records.poison")
                        .tag("topic", "inference.results")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1.0);
        assertThat(sink.isReady()).isTrue();
    }

    @Test
    void shouldDeadLetterARequestWithoutTenantAndStoreTheNextOne(KafkaInfra kafka) throws Exception {
        ObjectNode poison = (ObjectNode)
                JSON.readTree(WireSerdes.JOB_REQUESTED.serialize("", WireFixtures.request("job-p1", TENANT)));
        poison.remove("tenant_id");
        try (TopicProbe<DeadLetter> letters = kafka.probe(topics.deadLetters(), WireSerdes.DEAD_LETTER)) {
            send(topics.requests(), "job-p1", JSON.writeValueAsBytes(poison));
            send(
                    topics.requests(),
                    "job-p2",
                    WireSerdes.JOB_REQUESTED.serialize("", WireFixtures.request("job-p2", TENANT)));

            awaitJob("job-p2", j -> j.tenantId().equals(TENANT));
            DeadLetter letter = letters
                    .awaitUntil(seen -> seen.stream().anyMatch(r -> r.value().role() == ConsumerRole.STORE), WAIT)
                    .stream()
                    .map(ConsumerRecord::value)
                    .filter(l -> l.role() == ConsumerRole.STORE)
                    .findFirst()
                    .orElseThrow();

            assertThat(letter.reason()).isEqualTo("tenant_id is missing");
            assertThat(letter.topic()).isEqualTo(topics.requests());
            assertThat(letter.key()).isEqualTo("job-p1");
            assertThat(JSON.readTree(letter.value())).isEqualTo(poison);
            assertThat(registry.get("broker.dead_letters")
                            .tag("role", "store")
                            .tag("topic", topics.requests())
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(sink.isReady()).isTrue();
        }
    }

    @Test
    void shouldStoreTheOtherRecordsAndEndTheRefusedJobFailedWhenPostgreSQLRefusesAResult() {
        sendResult(WireFixtures.succeeded("job-8a", TENANT, "worker-a", 1, "before"));
        JobResult ok = WireFixtures.succeeded("job-8b", TENANT, "worker-a", 1, "far future");
        // past the last timestamp PostgreSQL can hold: the record can never be stored as it is
        sendResult(new JobResult(
                ok.schemaVersion(),
                ok.jobId(),
                ok.tenantId(),
                ok.model(),
                ok.status(),
                ok.output(),
                ok.error(),
                ok.usage(),
                ok.cost(),
                ok.workerId(),
                ok.attempt(),
                new Timings(ACCEPTED, null, null, null, java.time.Instant.parse("+300000-01-01T00:00:00Z"))));
        sendResult(WireFixtures.succeeded("job-8c", TENANT, "worker-a", 1, "after"));

        awaitJob("job-8a", j -> j.status() == JobStatus.SUCCEEDED);
        awaitJob("job-8c", j -> j.status() == JobStatus.SUCCEEDED);
        await().atMost(WAIT)
                .until(() -> registry.get("broker.store.records.poison")
                                .tag("topic", "inference.results")
                                .counter()
                                .count()
                        == 1.0);
        awaitJob("job-8b", j -> j.status() == JobStatus.FAILED);
        assertThat(db.jobs().find(TENANT, "job-8b")).hasValueSatisfying(j -> {
            assertThat(j.error()).isNotNull();
            assertThat(j.error().code())
                    .as("a job never waits for a result it cannot have")
                    .isEqualTo("result_not_stored");
            assertThat(j.output()).isNull();
        });
        assertThat(registry.get("broker.store.write.failures")
                        .tag("kind", "data")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1.0);
        assertThat(sink.isReady()).isTrue();
    }

    @Test
    void shouldStoreAndReadBackExactlyPromptOutputErrorAndMetadataHoldingNulAndTheEscapeCharacter() throws Exception {
        String s = "\uE000";
        String prompt = "prompt \u0000 with " + s + " and " + s + "0, " + s + "1 \uD83D\uDE00";
        String output = "nul \u0000 inside " + s + "0" + s + " \u0000\u0000 \uD83D\uDE00";
        String message = "broke at \u0000 near " + s + "1";
        Map<String, String> metadata = Map.of("note\u0000" + s, "a\u0000b" + s + "0");
        String hook = "https://hooks.example.test/h?x=" + s + "1";
        send(
                topics.requests(),
                "job-9",
                WireSerdes.JOB_REQUESTED.serialize("", request("job-9", prompt, metadata, hook)));
        sendResult(WireFixtures.succeeded("job-9", TENANT, "worker-a", 1, output));
        send(
                topics.requests(),
                "job-10",
                WireSerdes.JOB_REQUESTED.serialize("", request("job-10", prompt, metadata, hook)));
        JobResult failed = WireFixtures.failed("job-10", TENANT, "worker-a", 1);
        sendResult(new JobResult(
                failed.schemaVersion(),
                failed.jobId(),
                failed.tenantId(),
                failed.model(),
                failed.status(),
                null,
                new io.inferbroker.schemas.JobError("worker_error", message),
                null,
                null,
                failed.workerId(),
                failed.attempt(),
                failed.timings()));

        StoredJob job = awaitJob("job-9", j -> j.status() == JobStatus.SUCCEEDED && j.kind() == JobKind.CHAT);
        assertThat(job.output().get("text").asText()).isEqualTo(output);
        assertThat(job.metadata()).isEqualTo(metadata);
        StoredJob broke = awaitJob("job-10", j -> j.status() == JobStatus.FAILED && j.kind() == JobKind.CHAT);
        assertThat(broke.error().message()).isEqualTo(message);
        assertThat(broke.metadata()).isEqualTo(metadata);
        assertThat(db.jobs()
                        .list(TENANT, new JobQuery(Optional.empty(), Optional.empty(), 10, Optional.empty()))
                        .jobs())
                .filteredOn(j -> j.id().equals("job-9"))
                .singleElement()
                .satisfies(j -> assertThat(j.output().get("text").asText()).isEqualTo(output));

        ObjectNode succeeded = JSON.readValue(payload("job-9", "job.succeeded"), ObjectNode.class);
        assertThat(succeeded.at("/data/output/text").asText()).isEqualTo(output);
        assertThat(JSON.convertValue(succeeded.at("/data/metadata"), Map.class)).isEqualTo(metadata);
        ObjectNode failedBody = JSON.readValue(payload("job-10", "job.failed"), ObjectNode.class);
        assertThat(failedBody.at("/data/error/message").asText()).isEqualTo(message);
        assertThat(text("select url from webhook_deliveries where job_id = 'job-9'"))
                .as("the job's own webhook, read back from jsonb")
                .isEqualTo(hook);
        assertThat(text("select input #>> '{messages,0,content}' from jobs where id = 'job-9'"))
                .as("the prompt as stored: U+0000 as U+E000 '0', U+E000 as U+E000 '1'")
                .isEqualTo("prompt " + s + "0 with " + s + "1 and " + s + "10, " + s + "11 \uD83D\uDE00");
        assertThat(registry.get("broker.store.records.poison")
                        .tag("topic", "inference.results")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void shouldNotShowAJobToAnotherTenant() {
        sendResult(WireFixtures.succeeded("job-6", TENANT, "worker-a", 1, "private"));
        awaitJob("job-6", j -> j.status() == JobStatus.SUCCEEDED);

        assertThat(db.jobs().find("ten_other", "job-6")).isEmpty();
    }

    @Test
    void shouldRetryUntilWritesSucceedAgainAndLoseNothing() throws SQLException {
        execute("alter table jobs rename to jobs_offline");
        sendResult(WireFixtures.succeeded("job-7", TENANT, "worker-a", 1, "survived"));

        await().atMost(WAIT).until(() -> !sink.isReady());
        assertThat(registry.get("broker.store.sink.ready").gauge().value()).isZero();
        execute("alter table jobs_offline rename to jobs");

        StoredJob job = awaitJob("job-7", j -> j.status() == JobStatus.SUCCEEDED);
        assertThat(job.output().get("text").asText()).isEqualTo("survived");
        await().atMost(WAIT).until(sink::isReady);
        assertThat(registry.get("broker.store.sink.ready").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("broker.store.write.failures")
                        .tag("kind", "other")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void shouldBeReadyOnlyBetweenStartAndClose(KafkaInfra kafka) {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        ResultSink other =
                new ResultSink(db, topics, kafka.clientProps(), topics.prefix() + "other", own, Clock.systemUTC());
        assertThat(other.isReady()).isFalse();

        other.start();
        await().atMost(WAIT).until(other::isReady);

        other.close();
        assertThat(other.isReady()).isFalse();
        assertThat(own.find("broker.store.sink.ready").gauge()).isNull();
        other.close();
    }

    private StoredJob awaitJob(String jobId, Predicate<StoredJob> condition) {
        return await().atMost(WAIT)
                .until(() -> db.jobs().find(TENANT, jobId), j -> j.isPresent() && condition.test(j.get()))
                .orElseThrow();
    }

    private void sendEvent(String jobId, LifecycleType type, Duration after, @Nullable String worker, int attempt) {
        send(
                topics.events(),
                jobId,
                WireSerdes.LIFECYCLE_EVENT.serialize(
                        "", WireFixtures.event(jobId, TENANT, type, after, worker, attempt)));
    }

    private void sendResult(JobResult result) {
        send(topics.results(), result.jobId(), WireSerdes.JOB_RESULT.serialize("", result));
    }

    private void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot send to " + topic, e);
        }
    }

    /** A chat request whose one message is {@code prompt}, with its own webhook. */
    private static JobRequested request(String jobId, String prompt, Map<String, String> metadata, String hook) {
        JobRequested r = WireFixtures.request(jobId, TENANT);
        ObjectNode input = JSON.createObjectNode();
        input.putArray("messages").addObject().put("role", "user").put("content", prompt);
        return new JobRequested(
                r.schemaVersion(),
                r.jobId(),
                r.tenantId(),
                r.apiKeyId(),
                r.model(),
                r.kind(),
                input,
                r.priority(),
                r.deadline(),
                new WebhookTarget(hook, List.of()),
                metadata,
                r.idempotencyKey(),
                r.replyTo(),
                r.acceptedAt());
    }

    /** The body of the webhook message the store built for this job and event. */
    private String payload(String jobId, String type) {
        return await().atMost(WAIT)
                .until(
                        () -> text("select payload from webhook_deliveries where job_id = '" + jobId
                                + "' and event_type = '" + type + "'"),
                        p -> p != null);
    }

    private @Nullable String text(String sql) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private int count(String sql) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }
}
