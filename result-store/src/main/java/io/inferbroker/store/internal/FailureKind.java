package io.inferbroker.store.internal;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.jspecify.annotations.Nullable;

/**
 * What a failed database call means for the caller: retry the same work later, or give up on the
 * record that caused it. Decided from SQLSTATE classes, so it holds for any statement.
 */
enum FailureKind {
    /** The database is down, slow, restarting or refused us: retry the same work later. */
    UNAVAILABLE,
    /** The data itself was rejected (SQLSTATE class 22 or 23): retrying the same record cannot help. */
    DATA,
    /** Anything else (deadlock, serialization failure, resource limits, a bug): retry later. */
    OTHER;

    private static final int MAX_DEPTH = 32;

    /** Classifies a failure by the SQLSTATEs in its cause chain (and each cause's next-exception chain). */
    public static FailureKind of(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof ConnectionException || t instanceof SQLTransientConnectionException) {
                return UNAVAILABLE;
            }
            if (t instanceof SQLException sql) {
                FailureKind kind = bySqlState(sql);
                if (kind != OTHER) {
                    return kind;
                }
            }
        }
        return OTHER;
    }

    /** True for failures that retrying cannot fix. */
    public boolean isPermanent() {
        return this == DATA;
    }

    private static FailureKind bySqlState(SQLException first) {
        int depth = 0;
        for (SQLException e = first; e != null && depth < MAX_DEPTH; e = e.getNextException(), depth++) {
            String state = e.getSQLState();
            FailureKind kind = byState(state);
            if (kind != OTHER) {
                return kind;
            }
        }
        return OTHER;
    }

    static FailureKind byState(@Nullable String state) {
        if (state == null || state.length() < 2) {
            return OTHER;
        }
        return switch (state.substring(0, 2)) {
            case "22", "23" -> DATA;
            // connection exceptions, invalid authorization, operator intervention (shutdown, restart)
            case "08", "28", "57" -> UNAVAILABLE;
            default -> OTHER;
        };
    }
}
