package io.inferbroker.replay;

import static io.inferbroker.replay.EventFeed.T0;
import static io.inferbroker.replay.EventFeed.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.ControlAction;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.DeliveryOutcome;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WebhookDelivery;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class AuditIT {
    private static final ReplayRange ALL = new ReplayRange(T0.minusSeconds(60), at(4));

    private EventFeed feed;
    private Replay replay;

    @BeforeEach
    void start(KafkaInfra kafka) {
        feed = new EventFeed(kafka);
        job("j1", "A", "w1", "idem-1");
        job("j2", "B", "w2", null);
        job("j3", "A", "w1", null);
        ControlCommand cancel =
                new ControlCommand(ControlCommand.VERSION, "j2", "B", ControlAction.CANCEL, "user", T0.plusSeconds(3));
        feed.send(Topic.CONTROL, "j2", WireSerdes.CONTROL_COMMAND.serialize("", cancel), T0.plusSeconds(3));
        delivery("j1", 1, DeliveryOutcome.FAILED, 500, T0.plusSeconds(10));
        delivery("j1", 2, DeliveryOutcome.DELIVERED, 200, T0.plusSeconds(40));
        replay = new Replay(new ReplaySource(kafka.bootstrapServers(), kafka.topics()), ReplayProgress.QUIET);
    }

    @AfterEach
    void stop() {
        feed.close();
    }

    private void job(String id, String tenant, String worker, String idempotencyKey) {
        JobRequested req = new JobRequested(
                JobRequested.VERSION,
                id,
                tenant,
                "key_" + tenant,
                "m1",
                JobKind.CHAT,
                WireJson.newMapper().createObjectNode().put("prompt", "hi"),
                0,
                null,
                null,
                Map.of(),
                idempotencyKey,
                null,
                T0);
        feed.send(Topic.REQUESTS, id, WireSerdes.JOB_REQUESTED.serialize("", req), T0);
        event(id, tenant, LifecycleType.QUEUED, null, 0, T0);
        event(id, tenant, LifecycleType.DISPATCHED, worker, 1, T0.plusSeconds(1));
        event(id, tenant, LifecycleType.STARTED, worker, 1, T0.plusSeconds(1));
        for (int seq = 1; seq <= 3; seq++) {
            TokenDelta t = new TokenDelta(TokenDelta.VERSION, id, 1, seq, seq - 1, "w" + seq, T0.plusSeconds(1 + seq));
            feed.send(Topic.TOKENS, id, WireSerdes.TOKEN_DELTA.serialize("", t), t.at());
        }
        event(id, tenant, LifecycleType.SUCCEEDED, worker, 1, T0.plusSeconds(5));
        feed.result(id, tenant, "m1", worker, JobStatus.SUCCEEDED, new Usage(2, 3), "0.1", 1, 5, T0.plusSeconds(5));
    }

    private void event(String id, String tenant, LifecycleType type, String worker, int attempt, Instant at) {
        LifecycleEvent e =
                new LifecycleEvent(LifecycleEvent.VERSION, id, tenant, "m1", type, at, worker, attempt, null);
        feed.send(Topic.EVENTS, id, WireSerdes.LIFECYCLE_EVENT.serialize("", e), at);
    }

    private void delivery(String job, int attempt, DeliveryOutcome outcome, int status, Instant at) {
        WebhookDelivery d = new WebhookDelivery(
                WebhookDelivery.VERSION,
                "msg_" + job,
                job,
                "A",
                "job.succeeded",
                "https://hooks.example/x",
                attempt,
                outcome,
                status,
                null,
                at,
                null);
        feed.send(Topic.WEBHOOKS, d.deliveryId(), WireSerdes.WEBHOOK_DELIVERY.serialize("", d), at);
    }

    private static ReplayFilter filter(String tenant, String worker, Set<String> jobs) {
        return new ReplayFilter(Optional.ofNullable(tenant), Optional.empty(), Optional.ofNullable(worker), jobs);
    }

    @Test
    void shouldTellAJobsWholeTimelineInOrder() {
        AuditTrail trail = replay.audit(ALL, filter(null, null, Set.of("j1")), 10);

        assertThat(trail.jobs()).isEqualTo(1);
        assertThat(trail.entries())
                .extracting(AuditEntry::event)
                .containsExactly(
                        AuditEvent.ACCEPTED,
                        AuditEvent.QUEUED,
                        AuditEvent.DISPATCHED,
                        AuditEvent.STARTED,
                        AuditEvent.FIRST_TOKEN,
                        AuditEvent.SUCCEEDED,
                        AuditEvent.RESULT,
                        AuditEvent.WEBHOOK,
                        AuditEvent.WEBHOOK);
        AuditEntry accepted = trail.entries().getFirst();
        assertThat(accepted.tenantId()).isEqualTo("A");
        assertThat(accepted.fields()).containsEntry("api_key_id", "key_A").containsEntry("idempotency_key", "idem-1");
        AuditEntry dispatched = trail.entries().get(2);
        assertThat(dispatched.workerId()).isEqualTo("w1");
        assertThat(dispatched.attempt()).isEqualTo(1);
        assertThat(trail.entries().get(4).at()).isEqualTo(T0.plusSeconds(2));
        assertThat(trail.entries().get(6).fields()).containsEntry("cost", "0.1").containsEntry("prompt_tokens", "2");
        assertThat(trail.entries().subList(7, 9))
                .extracting(e -> e.fields().get("outcome"))
                .containsExactly("failed", "delivered");
    }

    @Test
    void shouldSelectJobsByTenantOrWorkerUpToTheLimit() {
        AuditTrail tenantA = replay.audit(ALL, filter("A", null, Set.of()), 10);
        AuditTrail limited = replay.audit(ALL, filter("A", null, Set.of()), 1);
        AuditTrail onW2 = replay.audit(ALL, filter(null, "w2", Set.of()), 10);

        assertThat(tenantA.jobs()).isEqualTo(2);
        assertThat(tenantA.truncated()).isFalse();
        assertThat(limited.jobs()).isEqualTo(1);
        assertThat(limited.truncated()).isTrue();
        assertThat(onW2.entries()).extracting(AuditEntry::jobId).containsOnly("j2");
        assertThat(onW2.entries())
                .extracting(AuditEntry::event)
                .contains(AuditEvent.ACCEPTED, AuditEvent.CANCEL_REQUESTED);
    }

    @Test
    void shouldGoPastARecordOfTheJobThatCannotBeReadAndNameIt() {
        feed.send(
                Topic.EVENTS, "j1", "{\"job_id\":\"j1\",\"type\":".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(1));
        feed.send(Topic.RESULTS, "j1", "{\"job_id\":\"j1\"}".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(1));

        AuditTrail trail = replay.audit(ALL, filter(null, null, Set.of("j1")), 10);

        assertThat(trail.entries())
                .extracting(AuditEntry::event)
                .as("the rest of the timeline is there")
                .contains(AuditEvent.ACCEPTED, AuditEvent.SUCCEEDED, AuditEvent.RESULT);
        assertThat(trail.skipped().count()).isEqualTo(2);
        assertThat(trail.skipped().first())
                .allSatisfy(where -> assertThat(where).contains("@"));
        StringBuilder table = new StringBuilder();
        ReportWriters.audit(trail, ReportFormat.TABLE, table);
        assertThat(table.toString()).contains("2 records could not be read and were skipped");
        StringBuilder json = new StringBuilder();
        ReportWriters.audit(trail, ReportFormat.JSON, json);
        assertThat(json.toString().lines().toList().getLast()).contains("\"event\":\"records_skipped\"", "\"count\":2");
    }

    @Test
    void shouldWriteJsonLinesAndATable() {
        AuditTrail trail = replay.audit(ALL, filter(null, null, Set.of("j2")), 10);
        StringBuilder json = new StringBuilder();
        ReportWriters.audit(trail, ReportFormat.JSON, json);
        StringBuilder table = new StringBuilder();
        ReportWriters.audit(trail, ReportFormat.TABLE, table);

        List<String> lines = json.toString().lines().toList();
        assertThat(lines).hasSize(trail.entries().size());
        assertThat(lines.getFirst())
                .contains("\"job_id\":\"j2\"", "\"event\":\"accepted\"", "\"api_key_id\":\"key_B\"");
        assertThat(table.toString()).contains("cancel_requested", "reason=user", "1 job");
    }

    @Test
    void shouldFindNothingOutsideTheRange() {
        AuditTrail trail = replay.audit(new ReplayRange(at(5), at(6)), filter(null, null, Set.of("j1")), 10);

        assertThat(trail.entries()).isEmpty();
        assertThat(trail.jobs()).isZero();
    }
}
