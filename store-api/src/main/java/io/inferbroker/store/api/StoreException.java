package io.inferbroker.store.api;

/**
 * The result store failed: a query, a write or a schema migration. The message carries the context
 * (which database, which job); the cause is the underlying driver error.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
