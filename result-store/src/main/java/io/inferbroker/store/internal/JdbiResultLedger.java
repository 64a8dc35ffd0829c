package io.inferbroker.store.internal;

import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Usage;
import io.inferbroker.store.api.LedgerEntry;
import io.inferbroker.store.api.ResultLedger;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** {@link ResultLedger} on {@code jobs} and {@code job_results}. Thread-safe. */
public final class JdbiResultLedger implements ResultLedger {
    private static final String FIND = """
            select j.id, j.tenant_id, j.status, j.prompt_tokens, j.completion_tokens, j.cost_amount,
                   j.cost_currency, j.result_attempt,
                   (select count(*) from job_results r where r.job_id = j.id) as results_received
            from jobs j where j.id = any(:ids)""";

    private final Jdbi jdbi;
    private final String address;

    public JdbiResultLedger(Jdbi jdbi, String address) {
        this.jdbi = jdbi;
        this.address = address;
    }

    @Override
    public Map<String, LedgerEntry> find(Collection<String> jobIds) {
        if (jobIds.size() > MAX_IDS) {
            throw new IllegalArgumentException("at most " + MAX_IDS + " job ids per call, got " + jobIds.size());
        }
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        try {
            List<LedgerEntry> rows = jdbi.withHandle(h -> h.createQuery(FIND)
                    .bindArray("ids", String.class, jobIds)
                    .map((rs, ctx) -> entry(rs))
                    .list());
            Map<String, LedgerEntry> out = new HashMap<>();
            rows.forEach(e -> out.put(e.jobId(), e));
            return out;
        } catch (JdbiException e) {
            throw StoreErrors.translate("cannot read the ledger of " + jobIds.size() + " jobs", e, address);
        }
    }

    private static LedgerEntry entry(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        int prompt = rs.getInt("prompt_tokens");
        boolean hasUsage = !rs.wasNull();
        int completion = rs.getInt("completion_tokens");
        hasUsage = hasUsage && !rs.wasNull();
        BigDecimal amount = rs.getBigDecimal("cost_amount");
        String currency = rs.getString("cost_currency");
        int attempt = rs.getInt("result_attempt");
        Integer resultAttempt = rs.wasNull() ? null : attempt;
        return new LedgerEntry(
                rs.getString("id"),
                rs.getString("tenant_id"),
                JobStatus.fromWire(status)
                        .orElseThrow(() -> new SQLException("unknown job status '" + status + "' in jobs.status")),
                hasUsage ? new Usage(prompt, completion) : null,
                amount == null ? null : new Cost(amount, currency == null ? "" : currency),
                resultAttempt,
                rs.getInt("results_received"));
    }
}
