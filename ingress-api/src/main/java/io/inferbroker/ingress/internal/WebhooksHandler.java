package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.store.api.DeliveryRecord;
import io.inferbroker.store.api.Principal;
import io.inferbroker.store.api.WebhookStore;
import io.inferbroker.store.api.WebhookSubscription;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's webhooks: subscriptions (the signing secret is shown once, at creation or rotation),
 * secret rotation with an overlap, the delivery log per job and per subscription, and a manual retry
 * of an exhausted message. Another tenant's ids answer 404. A subscription's URL aimed at an internal
 * address (not allow-listed) is refused when it is registered, as well as before each delivery.
 */
public final class WebhooksHandler {
    static final int MAX_URL = 2048;
    static final long MAX_OVERLAP_SECONDS = 7 * 86_400;
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final WebhookStore store;
    private final WebhookTargets targets;
    private final SubmitParser json;
    private final ObjectMapper mapper;
    private final Clock clock;

    public WebhooksHandler(WebhookStore store, WebhookTargets targets, ObjectMapper mapper, Clock clock) {
        this.store = store;
        this.targets = targets;
        this.mapper = mapper;
        this.clock = clock;
        this.json = new SubmitParser(mapper, List.of());
    }

    /** {@code POST /v1/webhooks {url, events}}: 201 with the subscription and its secret. */
    public void create(Context ctx) {
        JobsHandler.requireJson(ctx);
        JsonNode body = json.readJson(ctx.bodyAsBytes());
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!body.isObject()) {
            throw Problems.validation(List.of(new Problem.FieldError("", "must be a JSON object")));
        }
        String url = url(body.get("url"), errors);
        List<String> events = events(body.get("events"), errors);
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        targets.check(url, "/url");
        WebhookStore.Created created = store.create(principal(ctx), url, events);
        ObjectNode out = subscription(created.subscription()).put("secret", created.secret());
        ctx.status(201)
                .header("Location", "/v1/webhooks/" + created.subscription().id())
                .contentType(JobsHandler.JSON)
                .result(out.toString());
    }

    /** {@code GET /v1/webhooks}. */
    public void list(Context ctx) {
        ObjectNode out = mapper.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        store.list(principal(ctx)).forEach(s -> data.add(subscription(s)));
        ctx.contentType(JobsHandler.JSON).result(out.toString());
    }

    /** {@code GET /v1/webhooks/{id}}. */
    public void get(Context ctx) {
        String id = ctx.pathParam("id");
        WebhookSubscription s = store.find(principal(ctx), id).orElseThrow(() -> notFound(id));
        ctx.contentType(JobsHandler.JSON).result(subscription(s).toString());
    }

    /** {@code DELETE /v1/webhooks/{id}}: 204; its pending messages are not sent. */
    public void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!store.delete(principal(ctx), id)) {
            throw notFound(id);
        }
        ctx.status(204);
    }

    /**
     * {@code POST /v1/webhooks/{id}/rotate-secret {overlap_seconds?}}: a new secret; the old ones keep
     * signing for the overlap (default a day), so every message verifies during the switch.
     */
    public void rotate(Context ctx) {
        String id = ctx.pathParam("id");
        Duration overlap = overlap(ctx);
        String secret = store.rotateSecret(principal(ctx), id, overlap).orElseThrow(() -> notFound(id));
        ctx.contentType(JobsHandler.JSON).result(rotated(id, secret, overlap).toString());
    }

    /** {@code POST /v1/webhooks/job-secret/rotate {overlap_seconds?}}: the secret signing per-job webhooks. */
    public void rotateJobSecret(Context ctx) {
        Duration overlap = overlap(ctx);
        String secret = store.rotateJobSecret(principal(ctx), overlap);
        ctx.contentType(JobsHandler.JSON).result(rotated(null, secret, overlap).toString());
    }

    /** {@code GET /v1/webhooks/{id}/deliveries?limit=}: newest first. */
    public void subscriptionDeliveries(Context ctx) {
        String id = ctx.pathParam("id");
        int limit = limit(ctx);
        List<DeliveryRecord> found =
                store.deliveriesOfSubscription(principal(ctx), id, limit).orElseThrow(() -> notFound(id));
        ctx.contentType(JobsHandler.JSON).result(deliveries(found).toString());
    }

    /** {@code GET /v1/webhook-deliveries?job_id=}: a job's messages in lifecycle order. */
    public void jobDeliveries(Context ctx) {
        String jobId = ctx.queryParam("job_id");
        if (jobId == null || jobId.isBlank()) {
            throw Problems.validation(List.of(Problem.FieldError.query("job_id", "is required: the job's id")));
        }
        ctx.contentType(JobsHandler.JSON)
                .result(deliveries(store.deliveriesOfJob(principal(ctx), jobId)).toString());
    }

    /** {@code POST /v1/webhook-deliveries/{id}/retry}: 202 once an exhausted message is due again. */
    public void retry(Context ctx) {
        String id = ctx.pathParam("id");
        switch (store.retry(principal(ctx), id)) {
            case WebhookStore.Retry.Scheduled s ->
                ctx.status(202)
                        .contentType(JobsHandler.JSON)
                        .result(delivery(s.delivery()).toString());
            case WebhookStore.Retry.NotRetryable n ->
                throw new ProblemException(new Problem(
                        "not-retryable",
                        "Delivery not retryable",
                        409,
                        "webhook delivery '" + id + "' is " + n.status()
                                + "; only exhausted or disabled ones are retried"));
            case WebhookStore.Retry.NotFound n ->
                throw new ProblemException(new Problem(
                        "not-found", "Webhook delivery not found", 404, "no webhook delivery '" + id + "'"));
        }
    }

    private static String principal(Context ctx) {
        Principal p = Authenticator.principal(ctx);
        return p.tenantId();
    }

    private static String url(@Nullable JsonNode n, List<Problem.FieldError> errors) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            errors.add(new Problem.FieldError("/url", "is required: an absolute http(s) URL"));
            return "";
        }
        String text = n.asText();
        if (!TextRules.check(text, "/url", errors)) {
            return "";
        }
        if (text.length() > MAX_URL) {
            errors.add(new Problem.FieldError("/url", "must be at most " + MAX_URL + " characters"));
            return "";
        }
        try {
            URI uri = new URI(text);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    || uri.getHost() == null
                    || uri.getUserInfo() != null) {
                errors.add(new Problem.FieldError("/url", "must be an absolute http(s) URL without credentials"));
            }
        } catch (URISyntaxException e) {
            errors.add(new Problem.FieldError("/url", "is not a valid URL: " + e.getReason()));
        }
        return text;
    }

    private static List<String> events(@Nullable JsonNode n, List<Problem.FieldError> errors) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            errors.add(new Problem.FieldError(
                    "/events", "is required: a non-empty array of " + WebhookStore.EVENT_FILTERS));
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual() || !WebhookStore.EVENT_FILTERS.contains(e.asText())) {
                errors.add(new Problem.FieldError("/events/" + i, "must be one of " + WebhookStore.EVENT_FILTERS));
            } else {
                out.add(e.asText());
            }
        }
        return List.copyOf(out);
    }

    private Duration overlap(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            return Duration.ofDays(1);
        }
        JobsHandler.requireJson(ctx);
        JsonNode n = json.readJson(body).get("overlap_seconds");
        if (n == null || n.isNull()) {
            return Duration.ofDays(1);
        }
        if (!n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > MAX_OVERLAP_SECONDS) {
            throw Problems.validation(List.of(
                    new Problem.FieldError("/overlap_seconds", "must be an integer from 0 to " + MAX_OVERLAP_SECONDS)));
        }
        return Duration.ofSeconds(n.asLong());
    }

    private static int limit(Context ctx) {
        String text = ctx.queryParam("limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw Problems.validation(
                List.of(Problem.FieldError.query("limit", "must be an integer from 1 to " + MAX_LIMIT)));
    }

    private ObjectNode rotated(@Nullable String id, String secret, Duration overlap) {
        ObjectNode out = mapper.createObjectNode();
        if (id != null) {
            out.put("id", id);
        }
        out.put("secret", secret);
        out.put("previous_secrets_expire_at", clock.instant().plus(overlap).toString());
        return out;
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(new Problem("not-found", "Webhook not found", 404, "no webhook '" + id + "'"));
    }

    private ObjectNode subscription(WebhookSubscription s) {
        ObjectNode o = mapper.createObjectNode()
                .put("id", s.id())
                .put("object", "webhook")
                .put("url", s.url());
        ArrayNode events = o.putArray("events");
        s.events().forEach(events::add);
        o.put("status", s.status());
        o.put("disabled_reason", s.disabledReason());
        o.put("created_at", s.createdAt().toString());
        return o;
    }

    private ObjectNode deliveries(List<DeliveryRecord> list) {
        ObjectNode out = mapper.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        list.forEach(d -> data.add(delivery(d)));
        return out;
    }

    private ObjectNode delivery(DeliveryRecord d) {
        ObjectNode o = mapper.createObjectNode()
                .put("id", d.id())
                .put("object", "webhook_delivery")
                .put("job_id", d.jobId())
                .put("webhook_id", d.subscriptionId())
                .put("url", d.url())
                .put("event_type", d.eventType())
                .put("status", d.status())
                .put("attempts", d.attempts())
                .put(
                        "next_attempt_at",
                        d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString())
                .put("last_http_status", d.lastHttpStatus())
                .put("last_error", d.lastError())
                .put("created_at", d.createdAt().toString());
        ArrayNode log = o.putArray("attempt_log");
        d.attemptLog()
                .forEach(a -> log.addObject()
                        .put("attempt", a.number())
                        .put("at", a.at().toString())
                        .put("outcome", a.outcome())
                        .put("http_status", a.httpStatus())
                        .put("error", a.error())
                        .put("duration_ms", a.took().toMillis()));
        return o;
    }
}
