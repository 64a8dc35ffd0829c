package io.inferbroker.ingress.internal;

import io.javalin.http.Context;
import io.javalin.http.Handler;

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
            ctx.bodyAsBytes(); // Javalin stops reading past the limit and answers 413
        }
    }

    static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(new Problem(
                "body-too-large",
                "Body too large",
                413,
                "the request body is larger than this broker accepts (" + maxBytes + " bytes)"));
    }
}
