package io.inferbroker.store.internal;

import io.inferbroker.store.api.StoreException;
import io.inferbroker.store.api.StoreUnavailableException;
import java.sql.SQLException;

/** Translates driver and Jdbi failures into the store's own exceptions, once, at the module edge. */
public final class StoreErrors {
    private StoreErrors() {}

    /**
     * A {@link StoreUnavailableException} when the database could not be reached, else a {@link
     * StoreException}; both say what was attempted against which database.
     */
    public static StoreException translate(String attempted, RuntimeException e, String address) {
        String why = reason(e);
        if (FailureKind.of(e) == FailureKind.UNAVAILABLE) {
            return new StoreUnavailableException(
                    attempted + ": PostgreSQL at " + address + " is unavailable: " + why, e);
        }
        return new StoreException(attempted + " in PostgreSQL at " + address + ": " + why, e);
    }

    /**
     * The most telling message in a cause chain: the server's error behind the first SQL error (a
     * failed batch's own message repeats the statement with its values, which must not reach logs),
     * else the innermost message.
     */
    public static String reason(Throwable e) {
        Throwable innermost = e;
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                SQLException last = sql;
                for (int n = 0; last.getNextException() != null && n < 32; n++) {
                    last = last.getNextException();
                }
                if (last.getMessage() != null) {
                    return last.getMessage();
                }
            }
            innermost = t;
        }
        return innermost.getMessage() == null ? innermost.getClass().getSimpleName() : innermost.getMessage();
    }
}
