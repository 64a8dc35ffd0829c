package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.WebhookTarget;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.store.api.StoredJob;
import io.inferbroker.store.internal.Decoded;
import io.inferbroker.store.internal.DeliveryPlanner;
import io.inferbroker.store.internal.JdbiRecordWriter;
import io.inferbroker.store.internal.JobWriter;
import io.inferbroker.store.internal.Source;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job's terminal event and its result travel on different topics, so the event may be stored
 * first: the job must not look finished, nor have its terminal webhook planned, before its result.
 */
@ExtendWith(InfraExtension.class)
class TerminalStatusIT {
    private static final String TENANT = "ten_order";
    private static final ObjectMapper JSON = WireJson.newMapper();

    private StoreDatabase db;
    private JdbiRecordWriter writer;
    private long offset;

    @BeforeEach
    void open(PostgresInfra pg) {
        db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), new SimpleMeterRegistry());
        writer = new JdbiRecordWriter(
                db.jdbi(), new JobWriter(JSON, Clock.systemUTC()), new DeliveryPlanner(JSON), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void shouldNotShowOrAnnounceASucceededJobBeforeItsResult() throws Exception {
        writer.write(List.of(
                request("job-1"),
                event("job-1", LifecycleType.DISPATCHED, 1),
                event("job-1", LifecycleType.STARTED, 2),
                event("job-1", LifecycleType.SUCCEEDED, 4)));

        StoredJob early = db.jobs().find(TENANT, "job-1").orElseThrow();
        assertThat(early.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(early.completedAt()).isNull();
        assertThat(terminalPayloads("job-1")).isEmpty();

        writer.write(List.of(result(WireFixtures.succeeded("job-1", TENANT, "w-1", 1, "hello back"))));

        StoredJob done = db.jobs().find(TENANT, "job-1").orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.output().get("text").asText()).isEqualTo("hello back");
        assertThat(done.completedAt()).isEqualTo(WireFixtures.ACCEPTED.plusSeconds(4));
        List<String> payloads = terminalPayloads("job-1");
        assertThat(payloads).hasSize(1);
        JsonNode data = JSON.readTree(payloads.getFirst()).get("data");
        assertThat(data.get("status").asText()).isEqualTo("succeeded");
        assertThat(data.get("output").get("text").asText()).isEqualTo("hello back");
        assertThat(data.get("usage").get("completion_tokens").asInt()).isEqualTo(34);
        assertThat(data.get("cost").isNull()).isFalse();
    }

    @Test
    void shouldAnnounceASucceededJobWithItsResultWhenBothComeInOneBatchInEitherOrder() throws Exception {
        writer.write(List.of(request("job-2"), event("job-2", LifecycleType.STARTED, 2)));
        writer.write(List.of(
                event("job-2", LifecycleType.SUCCEEDED, 4),
                result(WireFixtures.succeeded("job-2", TENANT, "w-1", 1, "both at once"))));

        List<String> payloads = terminalPayloads("job-2");
        assertThat(payloads).hasSize(1);
        assertThat(JSON.readTree(payloads.getFirst()).at("/data/output/text").asText())
                .isEqualTo("both at once");
    }

    private List<String> terminalPayloads(String job) {
        return db.jdbi()
                .withHandle(h -> h.createQuery(
                                "select payload from webhook_deliveries where job_id = :job and event_rank = 3")
                        .bind("job", job)
                        .mapTo(String.class)
                        .list());
    }

    private Decoded request(String job) {
        JobRequested r = WireFixtures.request(job, TENANT);
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
                new WebhookTarget("https://hooks.example.com/jobs", List.of()),
                r.metadata(),
                r.idempotencyKey(),
                r.replyTo(),
                r.acceptedAt());
        return new Decoded.Request(new Source(Topic.REQUESTS, "requests", 0, offset++), withHook);
    }

    private Decoded event(String job, LifecycleType type, int seconds) {
        return new Decoded.Event(
                new Source(Topic.EVENTS, "events", 0, offset++),
                WireFixtures.event(job, TENANT, type, Duration.ofSeconds(seconds), "w-1", 1));
    }

    private Decoded result(JobResult r) {
        return new Decoded.Result(new Source(Topic.RESULTS, "results", 0, offset++), r);
    }
}
