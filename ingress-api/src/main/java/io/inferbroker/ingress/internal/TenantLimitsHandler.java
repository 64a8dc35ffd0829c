package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.store.api.TenantLimitStore;
import io.inferbroker.store.api.TenantLimits;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code PUT} and {@code GET /admin/tenants/{id}/limits} (behind the admin guard): a tenant's own
 * rate limits, {@code {"requests_per_minute": n, "tokens_per_minute": n}}. PUT replaces both; a field
 * that is null or absent resets that limit to the configured default, 0 means unlimited. The answer
 * shows the stored limits and the {@code effective} ones. This instance applies a change at once;
 * other instances within their limit refresh period.
 */
public final class TenantLimitsHandler {
    static final String REQUESTS = "requests_per_minute";
    static final String TOKENS = "tokens_per_minute";
    private static final Set<String> FIELDS = Set.of(REQUESTS, TOKENS);
    private static final int MAX_LIMIT = 1_000_000_000;

    private final TenantLimitStore store;
    private final TenantLimitCache cache;
    private final SubmitParser json;
    private final ObjectMapper mapper;

    TenantLimitsHandler(TenantLimitStore store, TenantLimitCache cache, ObjectMapper mapper) {
        this.store = store;
        this.cache = cache;
        this.json = new SubmitParser(mapper, List.of());
        this.mapper = mapper;
    }

    /** The handler for the limits applied by {@code admission}. */
    public static TenantLimitsHandler of(TenantLimitStore store, Admission admission, ObjectMapper mapper) {
        return new TenantLimitsHandler(store, admission.limits(), mapper);
    }

    public void put(Context ctx) {
        JobsHandler.requireJson(ctx);
        JsonNode body = json.readJson(ctx.bodyAsBytes());
        if (!body.isObject()) {
            throw Problems.validation(List.of(new Problem.FieldError("", "must be a JSON object")));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                errors.add(new Problem.FieldError("/" + f, "unknown field; allowed: " + REQUESTS + ", " + TOKENS));
            }
        });
        Integer requests = limit(body, REQUESTS, errors);
        Integer tokens = limit(body, TOKENS, errors);
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        String tenantId = ctx.pathParam("id");
        TenantLimits stored =
                store.setRateLimits(tenantId, requests, tokens).orElseThrow(() -> tenantNotFound(tenantId));
        cache.invalidate(tenantId);
        answer(ctx, tenantId, stored);
    }

    public void get(Context ctx) {
        String tenantId = ctx.pathParam("id");
        answer(ctx, tenantId, store.find(tenantId).orElseThrow(() -> tenantNotFound(tenantId)));
    }

    private void answer(Context ctx, String tenantId, TenantLimits own) {
        RateLimits effective = cache.effective(own);
        ObjectNode out = mapper.createObjectNode();
        out.put("tenant_id", tenantId);
        putNullable(out, REQUESTS, own.requestsPerMinute());
        putNullable(out, TOKENS, own.tokensPerMinute());
        out.putObject("effective")
                .put(REQUESTS, effective.requestsPerMinute())
                .put(TOKENS, effective.tokensPerMinute());
        ctx.contentType(JobsHandler.JSON).result(out.toString());
    }

    private static @Nullable Integer limit(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0 || n.asLong() > MAX_LIMIT) {
            errors.add(new Problem.FieldError(
                    "/" + field, "must be null (the default), 0 (unlimited) or an integer up to " + MAX_LIMIT));
            return null;
        }
        return n.asInt();
    }

    private static void putNullable(ObjectNode out, String field, @Nullable Integer value) {
        if (value == null) {
            out.putNull(field);
        } else {
            out.put(field, value);
        }
    }

    private static ProblemException tenantNotFound(String tenantId) {
        return new ProblemException(new Problem("not-found", "Tenant not found", 404, "no tenant '" + tenantId + "'"));
    }
}
