package io.inferbroker.ingress.internal;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem: what went wrong, and for validation failures where (one JSON pointer per
 * error). {@code headers} go on the response (Retry-After, WWW-Authenticate).
 */
record Problem(
        String slug,
        String title,
        int status,
        String detail,
        List<FieldError> errors,
        Map<String, Object> extensions,
        Map<String, String> headers) {

    public Problem {
        errors = List.copyOf(errors);
        extensions = Map.copyOf(extensions);
        headers = Map.copyOf(headers);
    }

    public Problem(String slug, String title, int status, String detail) {
        this(slug, title, status, detail, List.of(), Map.of(), Map.of());
    }

    /** The problem type URI; relative, resolved against the broker's own docs. */
    public String type() {
        return "/problems/" + slug;
    }

    /**
     * One failed constraint: at a JSON pointer into the request body ({@code /a/0}), at a query
     * parameter ({@code ?name}, written as {@code "parameter"}), or at a header ({@code Name}, written
     * as {@code "header"}).
     */
    public record FieldError(String pointer, String detail) {
        public static FieldError query(String parameter, String detail) {
            return new FieldError("?" + parameter, detail);
        }
    }
}
