package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.replay.GroupBy;
import io.inferbroker.replay.PriceTable;
import io.inferbroker.replay.Replay;
import io.inferbroker.replay.ReplayFilter;
import io.inferbroker.replay.ReplayRange;
import io.inferbroker.replay.ReplayRequest;
import io.inferbroker.replay.ReportFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the body of {@code POST /admin/replays}: {@code {kind: cost|audit, from?, to?, tenant?, model?,
 * worker?, job_ids?, group_by?, prices?, format?, limit?}} with the CLI's meanings and defaults
 * ({@code from} 1d, {@code to} now, format json). Every invalid field is reported with its pointer.
 */
final class ReplayBody {
    private final JsonNode body;
    private final List<Problem.FieldError> errors = new ArrayList<>();

    private ReplayBody(JsonNode body) {
        this.body = body;
    }

    static ReplayRequest parse(JsonNode body, Instant now) {
        if (!body.isObject()) {
            throw Problems.validation(List.of(new Problem.FieldError("", "must be a JSON object")));
        }
        return new ReplayBody(body).read(now);
    }

    private ReplayRequest read(Instant now) {
        ReplayRequest.Kind kind = kind();
        ReplayRange range = range(now);
        ReplayFilter filter = new ReplayFilter(
                Optional.ofNullable(text("tenant")),
                Optional.ofNullable(text("model")),
                Optional.ofNullable(text("worker")),
                jobIds());
        List<GroupBy> groupBy = groupBy();
        Optional<PriceTable> prices = prices();
        ReportFormat format = format(kind);
        int limit = limit();
        if (!errors.isEmpty() || kind == null || range == null || format == null) {
            throw Problems.validation(errors);
        }
        return new ReplayRequest(kind, range, filter, groupBy, prices, format, limit);
    }

    private ReplayRequest.@Nullable Kind kind() {
        String k = text("kind");
        if ("cost".equals(k)) {
            return ReplayRequest.Kind.COST;
        }
        if ("audit".equals(k)) {
            return ReplayRequest.Kind.AUDIT;
        }
        errors.add(new Problem.FieldError("/kind", "is required: cost or audit"));
        return null;
    }

    private @Nullable ReplayRange range(Instant now) {
        String from = text("from");
        String to = text("to");
        try {
            Instant f = ReplayRange.instant("from", from == null ? "1d" : from, now);
            Instant t = ReplayRange.instant("to", to == null ? "now" : to, now);
            if (f.isAfter(t)) {
                errors.add(new Problem.FieldError("/from", "must not be after to"));
                return null;
            }
            return new ReplayRange(f, t);
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError(e.getMessage().startsWith("to") ? "/to" : "/from", e.getMessage()));
            return null;
        }
    }

    private Set<String> jobIds() {
        JsonNode ids = body.get("job_ids");
        Set<String> out = new HashSet<>();
        if (ids == null || ids.isNull()) {
            return out;
        }
        if (!ids.isArray() || ids.size() > 1000) {
            errors.add(new Problem.FieldError("/job_ids", "must be an array of at most 1000 job ids"));
            return out;
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isTextual()) {
                errors.add(new Problem.FieldError("/job_ids/" + i, "must be a string"));
            } else if (TextRules.check(ids.get(i).asText(), "/job_ids/" + i, errors)) {
                out.add(ids.get(i).asText());
            }
        }
        return out;
    }

    private List<GroupBy> groupBy() {
        JsonNode g = body.get("group_by");
        if (g == null || g.isNull()) {
            return List.of(GroupBy.MODEL);
        }
        List<String> names = new ArrayList<>();
        if (g.isArray()) {
            g.forEach(n -> names.add(n.asText()));
        } else if (g.isTextual()) {
            names.add(g.asText());
        }
        try {
            return GroupBy.parseList(String.join(",", names));
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("/group_by", "takes tenant, model, worker, day or hour"));
            return List.of();
        }
    }

    private Optional<PriceTable> prices() {
        JsonNode p = body.get("prices");
        if (p == null || p.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PriceTable.of(p, "prices"));
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("/prices", e.getMessage()));
            return Optional.empty();
        }
    }

    private @Nullable ReportFormat format(ReplayRequest.@Nullable Kind kind) {
        String f = text("format");
        List<String> allowed =
                kind == ReplayRequest.Kind.AUDIT ? List.of("json", "table") : List.of("json", "csv", "html", "table");
        if (f == null) {
            return ReportFormat.JSON;
        }
        if (!allowed.contains(f)) {
            errors.add(new Problem.FieldError("/format", "must be one of " + String.join(", ", allowed)));
            return null;
        }
        return ReportFormat.parse(f);
    }

    private int limit() {
        JsonNode l = body.get("limit");
        if (l == null || l.isNull()) {
            return Replay.DEFAULT_AUDIT_LIMIT;
        }
        if (!l.canConvertToInt() || !l.isIntegralNumber() || l.asInt() < 1 || l.asInt() > 10_000) {
            errors.add(new Problem.FieldError("/limit", "must be an integer from 1 to 10000"));
            return 1;
        }
        return l.asInt();
    }

    private @Nullable String text(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            errors.add(new Problem.FieldError("/" + field, "must be a non-empty string"));
            return null;
        }
        return TextRules.check(n.asText(), "/" + field, errors) ? n.asText() : null;
    }
}
