package io.inferbroker.ingress.internal;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Notices that the client of a held HTTP/1.1 request closed its connection, while the response is
 * still being prepared. Jetty reads nothing from a connection whose request body was fully read, so
 * a client that goes away is only seen on the next write; a held request may not write for minutes.
 * This registers read interest on the connection for the time of the hold: the connection becoming
 * readable then means end of stream (the client closed) or, very rarely, a pipelined next request,
 * whose bytes are handed back to the connection.
 *
 * <p>Start it only after the request body was read; {@link #stop()} it before completing the
 * response. When the connection is not a plain Jetty endpoint, the watch does nothing.
 * Thread-safe.
 */
final class DisconnectWatch implements Callback {
    private enum State {
        WATCHING,
        STOPPED,
        GONE
    }

    private final @Nullable AbstractEndPoint endPoint;
    private final Runnable onDisconnect;
    private State state = State.WATCHING;

    private DisconnectWatch(@Nullable AbstractEndPoint endPoint, Runnable onDisconnect) {
        this.endPoint = endPoint;
        this.onDisconnect = onDisconnect;
    }

    /** Starts watching the connection of {@code ctx}; {@code onDisconnect} runs at most once. */
    static DisconnectWatch start(Context ctx, Runnable onDisconnect) {
        AbstractEndPoint endPoint = null;
        try {
            EndPoint ep = ServletContextRequest.getServletContextRequest(ctx.req())
                    .getConnectionMetaData()
                    .getConnection()
                    .getEndPoint();
            if (ep instanceof AbstractEndPoint a) {
                endPoint = a;
            }
        } catch (IllegalStateException e) {
            endPoint = null;
        }
        DisconnectWatch watch = new DisconnectWatch(endPoint, onDisconnect);
        if (endPoint != null && !endPoint.tryFillInterested(watch)) {
            // Someone else reads this connection (the body is still streaming in): nothing to watch.
            watch.state = State.STOPPED;
        }
        return watch;
    }

    /** Stops watching; call before writing the final response. Idempotent. */
    synchronized void stop() {
        if (state == State.WATCHING && endPoint != null) {
            state = State.STOPPED;
            // Withdraws this watch's read interest so the connection can read its next request.
            endPoint.getFillInterest().onFail(new CancellationException("the response is ready"));
        }
    }

    /** True once the client was seen to close its connection. */
    synchronized boolean clientGone() {
        return state == State.GONE;
    }

    @Override
    public void succeeded() {
        boolean gone;
        synchronized (this) {
            if (state != State.WATCHING || endPoint == null) {
                return;
            }
            gone = readable(endPoint);
        }
        if (gone) {
            onDisconnect.run();
        }
    }

    private boolean readable(AbstractEndPoint ep) {
        ByteBuffer buffer = BufferUtil.allocate(1);
        int filled;
        try {
            filled = ep.fill(buffer);
        } catch (IOException e) {
            filled = -1;
        }
        if (filled < 0) {
            state = State.GONE;
            return true;
        }
        if (filled == 0) {
            ep.tryFillInterested(this);
            return false;
        }
        state = State.STOPPED;
        if (ep.getConnection() instanceof Connection.UpgradeTo connection) {
            connection.onUpgradeTo(buffer);
        }
        return false;
    }

    @Override
    public void failed(Throwable cause) {
        boolean gone;
        synchronized (this) {
            if (state != State.WATCHING || endPoint == null) {
                return;
            }
            if (cause instanceof TimeoutException) {
                // The connection's idle timeout: the request is still held, keep watching.
                endPoint.tryFillInterested(this);
                return;
            }
            state = State.GONE;
            gone = true;
        }
        if (gone) {
            onDisconnect.run();
        }
    }
}
