package io.inferbroker.store.api;

/**
 * PostgreSQL could not be reached or refused the broker's credentials. The message names the server
 * and database and says why, so callers can print it as is; the stack trace adds nothing for an
 * operator.
 */
public final class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
