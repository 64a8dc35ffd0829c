package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobStatus;
import io.inferbroker.store.api.JobQuery;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads the query parameters of {@code GET /v1/jobs} into a {@link JobQuery}, naming each bad one. */
final class JobListParams {
    static final int DEFAULT_LIMIT = 20;

    private JobListParams() {}

    static JobQuery read(Context ctx) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Optional<JobStatus> status = Optional.ofNullable(ctx.queryParam("status"))
                .flatMap(s -> {
                    Optional<JobStatus> parsed = JobStatus.fromWire(s);
                    if (parsed.isEmpty()) {
                        errors.add(Problem.FieldError.query(
                                "status",
                                "must be one of "
                                        + Arrays.stream(JobStatus.values())
                                                .map(JobStatus::wireName)
                                                .toList()));
                    }
                    return parsed;
                });
        Optional<String> model = Optional.ofNullable(ctx.queryParam("model")).filter(m -> !m.isBlank());
        int limit = DEFAULT_LIMIT;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > JobQuery.MAX_LIMIT) {
                errors.add(Problem.FieldError.query("limit", "must be an integer from 1 to " + JobQuery.MAX_LIMIT));
                limit = DEFAULT_LIMIT;
            }
        }
        String cursorText = ctx.queryParam("cursor");
        Optional<JobQuery.Cursor> cursor = JobQuery.Cursor.decode(cursorText);
        if (cursorText != null && !cursorText.isEmpty() && cursor.isEmpty()) {
            errors.add(Problem.FieldError.query("cursor", "is not a cursor from a previous page; start without one"));
        }
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        return new JobQuery(status, model, limit, cursor);
    }
}
