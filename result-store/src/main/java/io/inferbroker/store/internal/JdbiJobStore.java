package io.inferbroker.store.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.store.JobStore;
import io.inferbroker.store.StoredJob;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

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
}
