package io.inferbroker.ingress.internal;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses query parameters that no text column can hold (a NUL character), with a 422 naming each
 * one, before a handler takes them to the database. Jetty itself refuses a NUL in the path and in
 * header fields.
 */
public final class QueryTextGuard implements Handler {
    @Override
    public void handle(Context ctx) {
        if (ctx.queryString() == null) {
            return; // most requests: nothing to parse
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            String name = param.getKey();
            if (name.indexOf('\0') >= 0) {
                errors.add(Problem.FieldError.query(name.replace('\0', '?'), "must not contain a NUL character"));
                continue;
            }
            if (param.getValue().stream().anyMatch(v -> v.indexOf('\0') >= 0)) {
                errors.add(Problem.FieldError.query(name, "must not contain a NUL character"));
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
    }
}
