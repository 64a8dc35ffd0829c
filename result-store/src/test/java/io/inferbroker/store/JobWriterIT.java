package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Topic;
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
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One batch holding several results of one job and single results of others, as a busy poll does. */
@ExtendWith(InfraExtension.class)
class JobWriterIT {
    private static final String TENANT = "ten_batch";

    @Test
    void shouldKeepTheFirstResultOfAJobRepeatedWithinOneBatchAndAuditEveryResult(PostgresInfra pg) {
        try (StoreDatabase db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), new SimpleMeterRegistry())) {
            var writer = writer(db);
            writer.write(List.of(
                    result(1, WireFixtures.succeeded("twice", TENANT, "w-a", 1, "first")),
                    result(2, WireFixtures.succeeded("once", TENANT, "w-b", 1, "only")),
                    result(3, WireFixtures.failed("twice", TENANT, "w-c", 2)),
                    result(4, WireFixtures.failed("other", TENANT, "w-d", 1))));
            writer.write(List.of(result(3, WireFixtures.failed("twice", TENANT, "w-c", 2))));

            StoredJob twice = db.jobs().find(TENANT, "twice").orElseThrow();
            assertThat(twice.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(twice.output().get("text").asText()).isEqualTo("first");
            assertThat(twice.workerId()).isEqualTo("w-a");
            assertThat(twice.attempts()).isEqualTo(2);
            StoredJob once = db.jobs().find(TENANT, "once").orElseThrow();
            assertThat(once.output().get("text").asText()).isEqualTo("only");
            assertThat(once.usage().completionTokens()).isEqualTo(34);
            assertThat(once.cost().amount()).isEqualByComparingTo("0.000123");
            assertThat(once.startedAt()).isEqualTo(WireFixtures.ACCEPTED.plusSeconds(2));
            assertThat(db.jobs().find(TENANT, "other").orElseThrow().error().code())
                    .isEqualTo("worker_error");
            int audited = db.jdbi()
                    .withHandle(h -> h.createQuery("select count(*) from job_results")
                            .mapTo(Integer.class)
                            .one());
            assertThat(audited).isEqualTo(4);
        }
    }

    @Test
    void shouldMergeRequestsAndEventsOfOneJobWithinOneBatchWhateverTheirOrder(PostgresInfra pg) {
        try (StoreDatabase db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), new SimpleMeterRegistry())) {
            var writer = writer(db);
            writer.write(List.of(
                    event(1, "a", LifecycleType.STARTED, 2),
                    event(2, "b", LifecycleType.SUCCEEDED, 4),
                    new Decoded.Request(
                            new Source(Topic.REQUESTS, "requests", 0, 3), WireFixtures.request("a", TENANT)),
                    event(4, "a", LifecycleType.DISPATCHED, 1),
                    event(5, "a", LifecycleType.STARTED, 2),
                    event(6, "b", LifecycleType.STARTED, 2),
                    new Decoded.Request(
                            new Source(Topic.REQUESTS, "requests", 0, 7), WireFixtures.request("a", TENANT)),
                    event(8, "b", LifecycleType.DISPATCHED, 1)));
            writer.write(List.of(event(9, "b", LifecycleType.STARTED, 2), event(10, "a", LifecycleType.DISPATCHED, 1)));

            StoredJob a = db.jobs().find(TENANT, "a").orElseThrow();
            assertThat(a.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(a.createdAt()).isEqualTo(WireFixtures.ACCEPTED);
            assertThat(a.dispatchedAt()).isEqualTo(WireFixtures.ACCEPTED.plusSeconds(1));
            assertThat(a.startedAt()).isEqualTo(WireFixtures.ACCEPTED.plusSeconds(2));
            assertThat(a.metadata()).containsEntry("team", "search");
            StoredJob b = db.jobs().find(TENANT, "b").orElseThrow();
            // its succeeded event ends it only with its result, which has not come
            assertThat(b.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(b.dispatchedAt()).isEqualTo(WireFixtures.ACCEPTED.plusSeconds(1));
            assertThat(b.startedAt()).isEqualTo(WireFixtures.ACCEPTED.plusSeconds(2));
            assertThat(b.completedAt()).isNull();
            assertThat(b.workerId()).isEqualTo("w-e");
        }
    }

    @Test
    void shouldStoreTheEventsOfAJobInOneBatchExactlyAsOneBatchPerEvent(PostgresInfra pg) {
        JobError broke = new JobError("worker_error", "it broke");
        List<List<LifecycleEvent>> scenarios = List.of(
                List.of(
                        lifecycle(LifecycleType.DISPATCHED, 1, "w-1", 1, null),
                        lifecycle(LifecycleType.STARTED, 2, "w-1", 1, null),
                        lifecycle(LifecycleType.SUCCEEDED, 4, "w-2", 1, null)),
                List.of(
                        lifecycle(LifecycleType.SUCCEEDED, 4, "w-1", 1, null),
                        lifecycle(LifecycleType.STARTED, 2, "w-1", 1, null),
                        lifecycle(LifecycleType.DISPATCHED, 1, "w-1", 1, null)),
                List.of(
                        lifecycle(LifecycleType.STARTED, 2, "w-1", 1, null),
                        lifecycle(LifecycleType.FAILED, 4, "w-1", 1, broke),
                        lifecycle(LifecycleType.CANCELED, 5, "w-3", 1, null)),
                List.of(
                        lifecycle(LifecycleType.DISPATCHED, 1, "w-1", 1, null),
                        lifecycle(LifecycleType.STARTED, 6, "w-2", 2, null),
                        lifecycle(LifecycleType.DISPATCHED, 3, null, 1, null)));
        try (StoreDatabase db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), new SimpleMeterRegistry())) {
            var writer = writer(db);
            long offset = 0;
            for (int i = 0; i < scenarios.size(); i++) {
                for (String job : List.of("one-by-one-" + i, "batched-" + i)) {
                    // a stored state first: started, on the events' attempt or a later one
                    writer.write(List.of(event(offset++, job, LifecycleType.STARTED, 3, "w-9", 1 + i % 2)));
                }
                List<Decoded> batched = new ArrayList<>();
                for (LifecycleEvent e : scenarios.get(i)) {
                    writer.write(List.of(event(offset++, "one-by-one-" + i, e)));
                    batched.add(event(offset++, "batched-" + i, e));
                }
                writer.write(batched);
                StoredJob expected = db.jobs().find(TENANT, "one-by-one-" + i).orElseThrow();
                assertThat(db.jobs().find(TENANT, "batched-" + i).orElseThrow())
                        .as("scenario %d", i)
                        .usingRecursiveComparison()
                        .ignoringFields("id")
                        .isEqualTo(expected);
            }
        }
    }

    private static LifecycleEvent lifecycle(
            LifecycleType type, int seconds, @Nullable String worker, int attempt, @Nullable JobError error) {
        return new LifecycleEvent(
                LifecycleEvent.VERSION,
                "job",
                TENANT,
                WireFixtures.MODEL,
                type,
                WireFixtures.ACCEPTED.plusSeconds(seconds),
                worker,
                attempt,
                error);
    }

    private static Decoded event(long offset, String job, LifecycleEvent e) {
        return new Decoded.Event(
                new Source(Topic.EVENTS, "events", 0, offset),
                new LifecycleEvent(
                        e.schemaVersion(),
                        job,
                        e.tenantId(),
                        e.model(),
                        e.type(),
                        e.at(),
                        e.workerId(),
                        e.attempt(),
                        e.error()));
    }

    private static Decoded event(long offset, String job, LifecycleType type, int seconds, String worker, int attempt) {
        return event(offset, job, lifecycle(type, seconds, worker, attempt, null));
    }

    private static JdbiRecordWriter writer(StoreDatabase db) {
        var mapper = WireJson.newMapper();
        return new JdbiRecordWriter(
                db.jdbi(), new JobWriter(mapper, Clock.systemUTC()), new DeliveryPlanner(mapper), Clock.systemUTC());
    }

    private static Decoded event(long offset, String job, LifecycleType type, int seconds) {
        return new Decoded.Event(
                new Source(Topic.EVENTS, "events", 0, offset),
                WireFixtures.event(job, TENANT, type, Duration.ofSeconds(seconds), "w-e", 1));
    }

    private static Decoded result(long offset, io.inferbroker.schemas.JobResult r) {
        return new Decoded.Result(new Source(Topic.RESULTS, "results", 0, offset), r);
    }
}
