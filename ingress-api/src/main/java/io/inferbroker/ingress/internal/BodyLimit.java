package io.inferbroker.ingress.internal;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.jspecify.annotations.Nullable;

/**
 * Before-handler for every route: a request body larger than the limit answers 413, on routes that
 * read their body and on those that ignore it alike, before authentication or any other work. A
 * declared length over the limit is refused unread; a chunked body is read up to the limit and
 * refused when it goes past.
 *
 * <p>A body within the limit is read whole here, before any answer (Javalin keeps it for the
 * handler, so it is read once). An answer written before the body is read (a 401, 404, 429...)
 * leaves Jetty unable to see the body's end: it then closes the connection while the client may
 * still be sending, and the client's socket is reset, often before it reads the answer. Reading
 * first keeps every refusal readable and the connection usable for the next request.
 *
 * <p>A body that cannot be read (a chunk size that is not a number, fewer bytes than declared, a
 * body that stops arriving until the connection's idle timeout) is the client's fault: 400 or 408
 * as a problem, never a 500 and never Javalin's empty answer.
 */
public final class BodyLimit implements Handler {
    private final long maxBytes;

    public BodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void handle(Context ctx) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (declared > 0 || (declared < 0 && ctx.header("Transfer-Encoding") != null)) {
            try {
                ctx.bodyAsBytes(); // Javalin stops reading past the limit and answers 413
            } catch (HttpResponseException | ProblemException e) {
                throw e;
            } catch (Exception e) {
                throw unreadable(e);
            }
        }
    }

    /** The problem for a body whose reading failed with {@code failure}. */
    static ProblemException unreadable(Throwable failure) {
        @Nullable String reason = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return new ProblemException(new Problem(
                        "request-timeout",
                        "Request timeout",
                        408,
                        "the request body did not arrive in time; send it whole right after the header"));
            }
            if (reason == null && t instanceof HttpException http) {
                reason = http.getReason();
            }
        }
        return new ProblemException(new Problem(
                "bad-request",
                "Bad request",
                400,
                "the request body could not be read as its header declares it" + JettyProblems.said(reason)));
    }

    static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(new Problem(
                "body-too-large",
                "Body too large",
                413,
                "the request body is larger than this broker accepts (" + maxBytes + " bytes)"));
    }
}
