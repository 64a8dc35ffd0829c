package io.inferbroker.store.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.store.api.JobPage;
import io.inferbroker.store.api.JobQuery;
import io.inferbroker.store.api.JobStore;
import io.inferbroker.store.api.StoredJob;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;

/** {@link JobStore} on the {@code jobs} table. Thread-safe. */
public final class JdbiJobStore implements JobStore {
    private static final String FIND =
            "select " + JobRowMapper.COLUMNS + " from jobs where id = :id and tenant_id = :tenant_id";

    private final Jdbi jdbi;
    private final JobRowMapper rows;
    private final String address;

    public JdbiJobStore(Jdbi jdbi, ObjectMapper mapper, String address) {
        this.jdbi = jdbi;
        this.rows = new JobRowMapper(mapper);
        this.address = address;
    }

    @Override
    public Optional<StoredJob> find(String tenantId, String jobId) {
        try {
            return jdbi.withHandle(h -> h.createQuery(FIND)
                    .bind("id", jobId)
                    .bind("tenant_id", tenantId)
                    .map(rows)
                    .findOne());
        } catch (JdbiException e) {
            throw StoreErrors.translate("cannot read job " + jobId, e, address);
        }
    }

    /**
     * The statement for this query's shape, holding only the conditions it needs. A condition that
     * switches itself off ({@code :x is null or ...}) would keep the cursor out of the index condition
     * once PostgreSQL plans the prepared statement generically (pgjdbc prepares it on the server after
     * five uses): every page would then read all newer jobs of the tenant. Written like this, the row
     * comparison seeks on {@code jobs_tenant_created}, which already holds the order, so a page costs
     * the same at any depth ({@code JobListPlanIT} checks the plan); status and model filter the rows
     * read along it.
     */
    static String listSql(JobQuery query) {
        StringBuilder sql = new StringBuilder("select ")
                .append(JobRowMapper.COLUMNS)
                .append(" from jobs where tenant_id = :tenant_id");
        if (query.after().isPresent()) {
            sql.append(" and (created_at, id) < (:after_at, :after_id)");
        }
        if (query.status().isPresent()) {
            sql.append(" and status = :status");
        }
        if (query.model().isPresent()) {
            sql.append(" and model = :model");
        }
        return sql.append(" order by created_at desc, id desc limit :limit").toString();
    }

    @Override
    public JobPage list(String tenantId, JobQuery query) {
        try {
            List<StoredJob> rowsPlusOne = jdbi.withHandle(h -> {
                Query q = h.createQuery(listSql(query))
                        .bind("tenant_id", tenantId)
                        .bind("limit", query.limit() + 1);
                query.status().ifPresent(status -> q.bind("status", status.wireName()));
                query.model().ifPresent(model -> q.bind("model", model));
                query.after()
                        .ifPresent(
                                after -> q.bind("after_at", OffsetDateTime.ofInstant(after.createdAt(), ZoneOffset.UTC))
                                        .bind("after_id", after.id()));
                return q.map(rows).list();
            });
            if (rowsPlusOne.size() <= query.limit()) {
                return new JobPage(rowsPlusOne, Optional.empty());
            }
            List<StoredJob> page = rowsPlusOne.subList(0, query.limit());
            StoredJob last = page.getLast();
            return new JobPage(page, Optional.of(new JobQuery.Cursor(last.createdAt(), last.id())));
        } catch (JdbiException e) {
            throw StoreErrors.translate("cannot list jobs of tenant " + tenantId, e, address);
        }
    }
}
