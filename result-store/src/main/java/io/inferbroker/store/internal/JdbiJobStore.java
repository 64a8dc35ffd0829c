package io.inferbroker.store.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.store.JobPage;
import io.inferbroker.store.JobQuery;
import io.inferbroker.store.JobStore;
import io.inferbroker.store.StoredJob;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** {@link JobStore} on the {@code jobs} table. Thread-safe. */
public final class JdbiJobStore implements JobStore {
    private static final String FIND =
            "select " + JobRowMapper.COLUMNS + " from jobs where id = :id and tenant_id = :tenant_id";

    private static final String LIST = "select " + JobRowMapper.COLUMNS + " from jobs where tenant_id = :tenant_id"
            + " and (cast(:status as text) is null or status = :status)"
            + " and (cast(:model as text) is null or model = :model)"
            + " and (cast(:after_at as timestamptz) is null or (created_at, id) < (:after_at, :after_id))"
            + " order by created_at desc, id desc limit :limit";

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

    @Override
    public JobPage list(String tenantId, JobQuery query) {
        try {
            List<StoredJob> rowsPlusOne = jdbi.withHandle(h -> h.createQuery(LIST)
                    .bind("tenant_id", tenantId)
                    .bind("status", query.status().map(JobStatus::wireName).orElse(null))
                    .bind("model", query.model().orElse(null))
                    .bind(
                            "after_at",
                            query.after()
                                    .map(c -> OffsetDateTime.ofInstant(c.createdAt(), ZoneOffset.UTC))
                                    .orElse(null))
                    .bind("after_id", query.after().map(JobQuery.Cursor::id).orElse(null))
                    .bind("limit", query.limit() + 1)
                    .map(rows)
                    .list());
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
