package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.store.api.StoreUnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into responses: problems as {@code application/problem+json},
 * Javalin's own HTTP errors likewise, and anything unexpected as a 500 without internals. On the
 * OpenAI-compatible paths the same problems take OpenAI's error shape (see {@link OpenAiErrors}).
 */
public final class ProblemResponder {
    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);
    private static final String WRITTEN = "inferbroker.problem-written";

    private final ObjectMapper mapper;

    public ProblemResponder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void problem(ProblemException e, Context ctx) {
        write(e.problem(), ctx);
    }

    public void http(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        String slug = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "body-too-large";
            default -> "http-" + status;
        };
        write(new Problem(slug, e.getMessage() == null ? "HTTP " + status : e.getMessage(), status, detail(e)), ctx);
    }

    /** A failure of an asynchronous handler: answered like the same failure thrown directly. */
    public void completion(CompletionException e, Context ctx) {
        switch (e.getCause()) {
            case ProblemException p -> problem(p, ctx);
            case StoreUnavailableException s -> storeUnavailable(s, ctx);
            case null, default -> unexpected(e, ctx);
        }
    }

    /**
     * PostgreSQL cannot be reached: a 503 the client may retry. The log names the database; the
     * answer does not.
     */
    public void storeUnavailable(StoreUnavailableException e, Context ctx) {
        LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
        problem(Problems.unavailable("the broker's database is unavailable; retry shortly", 2), ctx);
    }

    public void unexpected(Exception e, Context ctx) {
        LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
        write(
                new Problem(
                        "internal",
                        "Internal error",
                        500,
                        "the broker failed to handle this request; it has been logged"),
                ctx);
    }

    /**
     * Answers a route-not-found in the problem shape. Javalin runs this for every 404, also after a
     * handler's own 404 problem (an unknown job or model), which it must not overwrite.
     */
    public void notFound(Context ctx) {
        if (ctx.attribute(WRITTEN) != null) {
            return;
        }
        write(new Problem("not-found", "Not found", 404, "no route " + ctx.method() + " " + ctx.path()), ctx);
    }

    private static String detail(HttpResponseException e) {
        if (e.getStatus() == 413) {
            return "the request body is larger than this broker accepts";
        }
        return e.getDetails().isEmpty()
                ? String.valueOf(e.getMessage())
                : e.getDetails().toString();
    }

    void write(Problem p, Context ctx) {
        ctx.attribute(WRITTEN, Boolean.TRUE);
        if (OpenAiErrors.covers(ctx.path())) {
            writeOpenAi(p, ctx);
            return;
        }
        ObjectNode body = body(p, ctx.path());
        p.headers().forEach(ctx::header);
        // As bytes: JSON is UTF-8, and Jetty would encode a String for a type it does not know
        // (application/problem+json) in ISO-8859-1, turning a detail that quotes the request into
        // bytes that are not UTF-8.
        ctx.status(p.status()).contentType(PROBLEM_JSON).result(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A problem as written on a path: the body and its content type. */
    public record Rendered(int status, String contentType, String body) {}

    /** {@code p} as it is answered on {@code path}: problem+json, or OpenAI's shape on OpenAI's paths. */
    public Rendered render(Problem p, String path) {
        if (OpenAiErrors.covers(path)) {
            OpenAiErrors.OpenAiError error = OpenAiErrors.of(p);
            return new Rendered(
                    error.status(), JobsHandler.JSON, error.toJson(mapper).toString());
        }
        return new Rendered(p.status(), PROBLEM_JSON, body(p, path).toString());
    }

    /** The RFC 9457 body of {@code p}, as answered on {@code instance}; also the data of SSE error events. */
    ObjectNode body(Problem p, String instance) {
        ObjectNode body = mapper.createObjectNode();
        body.put("type", p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.detail());
        body.put("instance", instance);
        if (!p.errors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            p.errors().forEach(fe -> {
                if (fe.pointer().startsWith("?")) {
                    errors.addObject()
                            .put("parameter", fe.pointer().substring(1))
                            .put("detail", fe.detail());
                } else if (!fe.pointer().isEmpty() && !fe.pointer().startsWith("/")) {
                    errors.addObject().put("header", fe.pointer()).put("detail", fe.detail());
                } else {
                    errors.addObject().put("pointer", fe.pointer()).put("detail", fe.detail());
                }
            });
        }
        p.extensions().forEach((k, v) -> body.set(k, mapper.valueToTree(v)));
        return body;
    }

    /** The OpenAI-compatible paths answer OpenAI's error shape, so the official SDKs understand it. */
    private void writeOpenAi(Problem p, Context ctx) {
        OpenAiErrors.OpenAiError error = OpenAiErrors.of(p);
        p.headers().forEach(ctx::header);
        ctx.status(error.status())
                .contentType(JobsHandler.JSON)
                .result(error.toJson(mapper).toString());
    }
}
