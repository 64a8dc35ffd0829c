package io.inferbroker.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Usage;
import io.inferbroker.store.api.StoredJob;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jspecify.annotations.Nullable;

/**
 * Maps a row of {@code jobs} (all columns of {@link #COLUMNS}) to a {@link StoredJob}, decoding the
 * text {@link StoredText} encoded (output, error, metadata). Every read of a job goes through here.
 */
final class JobRowMapper implements RowMapper<StoredJob> {
    static final String COLUMNS = """
            id, tenant_id, model, status, kind, created_at, dispatched_at, started_at, first_token_at,
            completed_at, output, error_code, error_message, prompt_tokens, completion_tokens, cost_amount,
            cost_currency, worker_id, attempts, metadata""";

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final ObjectMapper mapper;

    JobRowMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public StoredJob map(ResultSet rs, StatementContext ctx) throws SQLException {
        String status = rs.getString("status");
        String kind = rs.getString("kind");
        return new StoredJob(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("model"),
                JobStatus.fromWire(status)
                        .orElseThrow(() -> new SQLException("unknown job status '" + status + "' in jobs.status")),
                kind == null ? JobKind.GENERIC : JobKind.valueOf(kind.toUpperCase(Locale.ROOT)),
                requireInstant(rs, "created_at"),
                instant(rs, "dispatched_at"),
                instant(rs, "started_at"),
                instant(rs, "first_token_at"),
                instant(rs, "completed_at"),
                tree(rs.getString("output")),
                error(rs),
                usage(rs),
                cost(rs),
                rs.getString("worker_id"),
                rs.getInt("attempts"),
                metadata(rs.getString("metadata")));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant requireInstant(ResultSet rs, String column) throws SQLException {
        Instant t = instant(rs, column);
        if (t == null) {
            throw new SQLException("jobs." + column + " is null");
        }
        return t;
    }

    private static @Nullable JobError error(ResultSet rs) throws SQLException {
        String code = rs.getString("error_code");
        if (code == null) {
            return null;
        }
        String message = rs.getString("error_message");
        return new JobError(StoredText.decode(code), message == null ? "" : StoredText.decode(message));
    }

    private static @Nullable Usage usage(ResultSet rs) throws SQLException {
        Integer prompt = rs.getObject("prompt_tokens", Integer.class);
        Integer completion = rs.getObject("completion_tokens", Integer.class);
        return prompt == null || completion == null ? null : new Usage(prompt, completion);
    }

    private static @Nullable Cost cost(ResultSet rs) throws SQLException {
        BigDecimal amount = rs.getBigDecimal("cost_amount");
        String currency = rs.getString("cost_currency");
        return amount == null || currency == null ? null : new Cost(amount, currency);
    }

    private @Nullable JsonNode tree(@Nullable String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(StoredText.decodeJson(json));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("jobs.output holds unreadable JSON", e);
        }
    }

    private Map<String, String> metadata(@Nullable String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return mapper.readValue(StoredText.decodeJson(json), STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("jobs.metadata holds unreadable JSON", e);
        }
    }
}
