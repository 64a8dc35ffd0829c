package io.inferbroker.store.api;

import java.net.UnknownHostException;

/**
 * A webhook target resolved to, or tried to connect to, an address the {@link AddressPolicy} refuses.
 * An {@link UnknownHostException} because that is what a resolver may throw.
 */
public final class RefusedTargetException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    public RefusedTargetException(String message) {
        super(message);
    }
}
