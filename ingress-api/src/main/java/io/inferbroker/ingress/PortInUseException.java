package io.inferbroker.ingress;

/** The HTTP port is taken by another process. */
public final class PortInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PortInUseException(int port, Throwable cause) {
        super("port " + port + " is already in use; stop the other process or choose another port with --port", cause);
    }
}
