package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.store.WireFixtures;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobWriterTest {
    private static final String TENANT = "ten_plan";
    private final JobWriter writer = new JobWriter(WireJson.newMapper(), Clock.systemUTC());
    private long offset;

    @Test
    void shouldWriteABatchOfWholeLifecyclesInAFewMultiRowStatementsWhateverItsSize() {
        List<Decoded> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String job = "job-" + i;
            batch.add(new Decoded.Request(source(Topic.REQUESTS), WireFixtures.request(job, TENANT)));
            batch.add(event(job, LifecycleType.DISPATCHED, 1));
            batch.add(event(job, LifecycleType.STARTED, 2));
            batch.add(event(job, LifecycleType.SUCCEEDED, 4));
            batch.add(result(job, "out-" + i));
        }
        batch.add(new Decoded.Poison(source(Topic.EVENTS), "unreadable"));

        List<JobWriter.Bulk> statements = writer.statements(batch);

        // one statement of requests, one of events (a job's two non-terminal ones folded into one row),
        // one of results, one audit
        assertThat(statements)
                .extracting(JobWriter.Bulk::sql)
                .containsExactly(
                        JobSql.UPSERT_REQUESTS,
                        JobSql.UPSERT_EVENTS,
                        JobSql.UPSERT_RESULTS,
                        JobSql.INSERT_RESULTS_AUDIT);
        assertThat(statements).allSatisfy(s -> assertThat(s.rows().rows()).isEqualTo(500));
    }

    @Test
    void shouldApplyTheRecordsOfOneJobInArrivalOrderOnePerStatement() {
        Decoded started = event("a", LifecycleType.STARTED, 2);
        Decoded dispatched = event("a", LifecycleType.DISPATCHED, 1);
        Decoded first = result("a", "first");
        Decoded second = result("a", "second");
        Decoded other = result("b", "only");

        List<JobWriter.Bulk> statements = writer.statements(List.of(started, first, other, dispatched, second));

        assertThat(statements)
                .extracting(JobWriter.Bulk::sql)
                .containsExactly(
                        JobSql.UPSERT_EVENTS,
                        JobSql.UPSERT_RESULTS,
                        JobSql.UPSERT_RESULTS,
                        JobSql.INSERT_RESULTS_AUDIT);
        assertThat(statements).extracting(s -> s.rows().rows()).containsExactly(1, 2, 1, 3);
        assertThat(JobWriter.rounds(List.of(first, other, second), Decoded::jobId))
                .containsExactly(List.of(first, other), List.of(second));
    }

    @Test
    void shouldKeepEventsOfOneJobApartWhenFoldingWouldNotBeExact() {
        Decoded.Event dispatched = (Decoded.Event) event("a", LifecycleType.DISPATCHED, 1);
        Decoded.Event retried = new Decoded.Event(
                source(Topic.EVENTS),
                WireFixtures.event("a", TENANT, LifecycleType.STARTED, Duration.ofSeconds(5), "w-2", 2));

        assertThat(JobWriter.eventRows(List.of(dispatched, retried))).hasSize(2);
        assertThat(writer.statements(List.of(dispatched, retried)))
                .extracting(JobWriter.Bulk::sql)
                .containsExactly(JobSql.UPSERT_EVENTS, JobSql.UPSERT_EVENTS);
    }

    @Test
    void shouldLeaveAJobsEndToItsResultAndWriteNothingForATerminalEvent() {
        for (LifecycleType type : List.of(
                LifecycleType.SUCCEEDED,
                LifecycleType.FAILED,
                LifecycleType.CANCELED,
                LifecycleType.EXPIRED,
                LifecycleType.REJECTED)) {
            assertThat(writer.statements(List.of(event("a", type, 4))))
                    .as("%s", type)
                    .isEmpty();
        }
        assertThat(writer.statements(
                        List.of(event("a", LifecycleType.STARTED, 2), event("a", LifecycleType.SUCCEEDED, 4))))
                .singleElement()
                .satisfies(s -> assertThat(s.sql()).isEqualTo(JobSql.UPSERT_EVENTS))
                .satisfies(s -> assertThat(s.rows().rows()).isEqualTo(1));
    }

    private Decoded event(String job, LifecycleType type, int seconds) {
        return new Decoded.Event(
                source(Topic.EVENTS), WireFixtures.event(job, TENANT, type, Duration.ofSeconds(seconds), "w-1", 1));
    }

    private Decoded result(String job, String text) {
        return new Decoded.Result(source(Topic.RESULTS), WireFixtures.succeeded(job, TENANT, "w-1", 1, text));
    }

    private Source source(Topic topic) {
        return new Source(topic, topic.baseName(), 0, offset++);
    }
}
