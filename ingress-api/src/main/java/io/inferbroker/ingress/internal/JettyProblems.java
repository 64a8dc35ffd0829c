package io.inferbroker.ingress.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The errors Jetty answers itself, before any route runs (a URI or header block too large, a URI
 * that is not valid, an HTTP version it does not speak), as RFC 9457 problems, or in OpenAI's error
 * shape on the OpenAI-compatible paths, like every other error of the API. Never HTML, never a stack
 * trace or a class name: Jetty's reason is kept only when it is plain words.
 */
public final class JettyProblems extends ErrorHandler {
    private static final Pattern PLAIN_REASON = Pattern.compile("[A-Za-z0-9 ,'()/:._-]{1,120}");

    private final ProblemResponder problems;

    public JettyProblems(ProblemResponder problems) {
        this.problems = problems;
        setShowStacks(false);
        setShowCauses(false);
    }

    /**
     * Every method gets the problem: Jetty's own choice writes an error body only for GET, POST and
     * HEAD, so a PUT, DELETE or PATCH it refused (a NUL in a header, say) got an empty 400.
     */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request,
            Response response,
            int code,
            @Nullable String message,
            @Nullable Throwable cause,
            Callback callback) {
        ProblemResponder.Rendered rendered = problems.render(problem(code, message), path(request));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, rendered.contentType());
        response.write(true, ByteBuffer.wrap(rendered.body().getBytes(StandardCharsets.UTF_8)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, @Nullable String reason, HttpFields.Mutable fields) {
        ProblemResponder.Rendered rendered = problems.render(problem(status, reason), "");
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, rendered.contentType()));
        return ByteBuffer.wrap(rendered.body().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code ": reason"} when Jetty's reason is plain words, else nothing. */
    static String said(@Nullable String reason) {
        return reason != null && PLAIN_REASON.matcher(reason).matches() && !reason.contains("Exception")
                ? ": " + reason
                : "";
    }

    static Problem problem(int status, @Nullable String reason) {
        String said = said(reason);
        return switch (status) {
            case 400 -> new Problem("bad-request", "Bad request", 400, "the request is not valid HTTP" + said);
            case 413 ->
                new Problem(
                        "body-too-large", "Body too large", 413, "the request body is larger than this broker accepts");
            case 414 ->
                new Problem("uri-too-long", "URI too long", 414, "the request URI is longer than this broker accepts");
            case 431 ->
                new Problem(
                        "headers-too-large",
                        "Request headers too large",
                        431,
                        "the request's header fields are larger than this broker accepts");
            case 505 ->
                new Problem(
                        "http-version-not-supported",
                        "HTTP version not supported",
                        505,
                        "this broker speaks HTTP/1.0 and HTTP/1.1" + said);
            default ->
                status >= 500
                        ? new Problem(
                                "unexpected", "Unexpected failure", status, "the broker failed to answer this request")
                        : new Problem("http-" + status, "HTTP " + status, status, "the request was refused" + said);
        };
    }

    private static String path(Request request) {
        try {
            String path = request.getHttpURI().getPath();
            return path == null ? "" : path;
        } catch (RuntimeException e) {
            // A URI Jetty could not parse has no path to name.
            return "";
        }
    }
}
