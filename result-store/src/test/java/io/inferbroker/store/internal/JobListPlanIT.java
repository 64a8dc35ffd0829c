package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.JobStatus;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.api.JobQuery;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class JobListPlanIT {
    private static final Pattern NAMED = Pattern.compile("(?<![:\\w]):([a-z_]+)");

    private StoreDatabase db;
    private Jdbi jdbi;

    @BeforeEach
    void open(PostgresInfra pg) {
        db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), new SimpleMeterRegistry());
        // The simple query protocol: EXPLAIN (GENERIC_PLAN) takes $n placeholders without values.
        jdbi = Jdbi.create(pg.jdbcUrl() + "&preferQueryMode=simple", pg.user(), pg.password());
        jdbi.useHandle(h -> {
            h.execute("""
                    insert into jobs (id, tenant_id, model, status, status_rank, created_at, updated_at)
                    select 'job-' || n, 'ten_' || (n % 20), 'm' || (n % 3), 'queued', 0,
                           timestamptz '2026-03-01 10:00:00+00' + n * interval '1 second', now()
                    from generate_series(1, 20000) n""");
            h.execute("analyze jobs");
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void shouldSeekToTheCursorOnTheTenantIndexEvenWithAGenericPlan() {
        var cursor = Optional.of(new JobQuery.Cursor(Instant.parse("2026-03-01T12:00:00Z"), "job-7200"));
        String plan = genericPlan(JdbiJobStore.listSql(new JobQuery(Optional.empty(), Optional.empty(), 20, cursor)));

        assertThat(plan).contains("Index Scan using jobs_tenant_created").doesNotContain("Sort");
        assertThat(indexCondition(plan)).contains("tenant_id").contains("ROW(created_at, id) <");
    }

    @Test
    void shouldSeekOnTheModelIndexWhenFilteredByModel() {
        var cursor = Optional.of(new JobQuery.Cursor(Instant.parse("2026-03-01T12:00:00Z"), "job-7200"));
        Map<JobQuery, String> expected = Map.of(
                new JobQuery(Optional.empty(), Optional.of("m1"), 20, cursor), "model",
                new JobQuery(Optional.of(JobStatus.QUEUED), Optional.of("m1"), 20, cursor), "model");
        expected.forEach((query, column) -> {
            String plan = genericPlan(JdbiJobStore.listSql(query));

            assertThat(plan)
                    .contains("Index Scan using jobs_tenant_" + column + "_created")
                    .doesNotContain("Sort");
            assertThat(indexCondition(plan)).contains("tenant_id").contains("(" + column + " = ");
        });
    }

    @Test
    void shouldReadTheFirstPageAlongTheTenantIndex() {
        String plan = genericPlan(
                JdbiJobStore.listSql(new JobQuery(Optional.empty(), Optional.empty(), 20, Optional.empty())));

        assertThat(plan).contains("Index Scan using jobs_tenant_created").doesNotContain("Sort");
    }

    /** The plan PostgreSQL uses once it caches a prepared statement's plan for any parameter values. */
    private String genericPlan(String namedSql) {
        Map<String, String> positions = new LinkedHashMap<>();
        Matcher m = NAMED.matcher(namedSql);
        StringBuilder sql = new StringBuilder();
        while (m.find()) {
            String n = positions.computeIfAbsent(m.group(1), k -> "$" + (positions.size() + 1));
            m.appendReplacement(sql, Matcher.quoteReplacement(n));
        }
        m.appendTail(sql);
        List<String> lines = jdbi.withHandle(h -> h.createQuery("explain (generic_plan) " + sql)
                .mapTo(String.class)
                .list());
        return String.join("\n", lines);
    }

    private static String indexCondition(String plan) {
        return plan.lines().filter(l -> l.contains("Index Cond")).findFirst().orElse("");
    }
}
