package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.store.api.ApiKeyStore;
import io.inferbroker.store.api.IssuedKey;
import io.inferbroker.store.api.KeyInfo;
import io.inferbroker.store.api.TenantInfo;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The admin API, behind the admin key: so far {@code POST /admin/tenants}, which creates a tenant
 * and its first API key (the key is shown only in this answer).
 */
public final class AdminHandler {
    private static final String BEARER = "Bearer ";
    private static final int MAX_TENANTS = 1000;
    private static final long MAX_GRACE = 86_400;

    private final ApiKeyStore keys;
    /** SHA-256 of the admin key; null when there is none (every admin call is refused). */
    private final byte @Nullable [] adminKey;

    private final SubmitParser json;
    private final ObjectMapper mapper;
    private final Authenticator authenticator;
    private final Clock clock;

    public AdminHandler(
            ApiKeyStore keys, String adminKey, ObjectMapper mapper, Authenticator authenticator, Clock clock) {
        this.keys = keys;
        this.authenticator = authenticator;
        this.clock = clock;
        this.adminKey = adminKey.isEmpty() ? null : Authenticator.sha256(adminKey);
        this.json = new SubmitParser(mapper, List.of());
        this.mapper = mapper;
    }

    /** Before-handler for {@code /admin/*}: the admin key, compared in constant time. */
    public Handler guard() {
        return ctx -> {
            String header = ctx.header("Authorization");
            if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                throw Problems.missingKey();
            }
            // Digests of equal length, compared in constant time: the time taken tells nothing of
            // the admin key, not even its length.
            byte[] given =
                    Authenticator.sha256(header.substring(BEARER.length()).trim());
            if (adminKey == null || !MessageDigest.isEqual(adminKey, given)) {
                throw Problems.invalidKey();
            }
        };
    }

    public void createTenant(Context ctx) {
        JobsHandler.requireJson(ctx);
        JsonNode body = json.readJson(ctx.bodyAsBytes());
        JsonNode name = body.get("name");
        if (!body.isObject()
                || name == null
                || !name.isTextual()
                || name.asText().isBlank()
                || name.asText().length() > 200) {
            throw Problems.validation(
                    List.of(new Problem.FieldError("/name", "is required: a string of 1 to 200 characters")));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!TextRules.check(name.asText(), "/name", errors)) {
            throw Problems.validation(errors);
        }
        String tenantId = keys.createTenant(name.asText());
        IssuedKey key = keys.issueKey(tenantId);
        var out = mapper.createObjectNode();
        out.put("id", tenantId);
        out.put("name", name.asText());
        out.putObject("api_key").put("id", key.keyId()).put("secret", key.secret());
        ctx.status(201).contentType(JobsHandler.JSON).result(out.toString());
    }

    /** {@code GET /admin/tenants}: every tenant, oldest first (at most 1000). */
    public void listTenants(Context ctx) {
        ObjectNode out = mapper.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        keys.listTenants(MAX_TENANTS).forEach(t -> data.add(tenant(t)));
        ctx.contentType(JobsHandler.JSON).result(out.toString());
    }

    /** {@code GET /admin/tenants/{id}}: the tenant and its keys (never their secrets). */
    public void getTenant(Context ctx) {
        TenantInfo t = tenantOr404(ctx.pathParam("id"));
        ObjectNode out = tenant(t);
        ArrayNode list = out.putArray("keys");
        keys.listKeys(t.id()).forEach(k -> list.add(key(k)));
        ctx.contentType(JobsHandler.JSON).result(out.toString());
    }

    /** {@code GET /admin/tenants/{id}/keys}. */
    public void listKeys(Context ctx) {
        TenantInfo t = tenantOr404(ctx.pathParam("id"));
        ObjectNode out = mapper.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        keys.listKeys(t.id()).forEach(k -> data.add(key(k)));
        ctx.contentType(JobsHandler.JSON).result(out.toString());
    }

    /** {@code POST /admin/tenants/{id}/keys}: a new key; the secret is shown only in this answer. */
    public void issueKey(Context ctx) {
        TenantInfo t = tenantOr404(ctx.pathParam("id"));
        IssuedKey issued = keys.issueKey(t.id());
        ObjectNode out = key(keys.findKey(issued.keyId()).orElseThrow());
        out.put("secret", issued.secret());
        ctx.status(201).contentType(JobsHandler.JSON).result(out.toString());
    }

    /** {@code POST /admin/keys/{id}/revoke}: the key stops working now (within seconds everywhere). */
    public void revokeKey(Context ctx) {
        String id = ctx.pathParam("id");
        KeyInfo k = keys.revokeKeyAt(id, clock.instant()).orElseThrow(() -> keyNotFound(id));
        authenticator.forget(id);
        ctx.contentType(JobsHandler.JSON).result(key(k).toString());
    }

    /**
     * {@code POST /admin/keys/{id}/rotate} with optional {@code {"grace_seconds": n}}: issues a new
     * key for the same tenant and ends the old one after the grace period (default 0, at most a day).
     */
    public void rotateKey(Context ctx) {
        String id = ctx.pathParam("id");
        KeyInfo old = keys.findKey(id).orElseThrow(() -> keyNotFound(id));
        long grace = graceSeconds(ctx);
        IssuedKey issued = keys.issueKey(old.tenantId());
        KeyInfo ended = keys.revokeKeyAt(id, clock.instant().plusSeconds(grace)).orElseThrow();
        if (grace == 0) {
            authenticator.forget(id);
        }
        ObjectNode out = mapper.createObjectNode();
        ObjectNode created = key(keys.findKey(issued.keyId()).orElseThrow());
        created.put("secret", issued.secret());
        out.set("new_key", created);
        out.set("old_key", key(ended));
        ctx.status(201).contentType(JobsHandler.JSON).result(out.toString());
    }

    private long graceSeconds(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            return 0;
        }
        JobsHandler.requireJson(ctx);
        JsonNode grace = json.readJson(body).get("grace_seconds");
        if (grace == null || grace.isNull()) {
            return 0;
        }
        if (!grace.canConvertToLong()
                || !grace.isIntegralNumber()
                || grace.asLong() < 0
                || grace.asLong() > MAX_GRACE) {
            throw Problems.validation(
                    List.of(new Problem.FieldError("/grace_seconds", "must be an integer from 0 to " + MAX_GRACE)));
        }
        return grace.asLong();
    }

    private TenantInfo tenantOr404(String id) {
        return keys.findTenant(id)
                .orElseThrow(() -> new ProblemException(
                        new Problem("not-found", "Tenant not found", 404, "no tenant '" + id + "'")));
    }

    private static ProblemException keyNotFound(String id) {
        return new ProblemException(new Problem("not-found", "API key not found", 404, "no API key '" + id + "'"));
    }

    private ObjectNode tenant(TenantInfo t) {
        return mapper.createObjectNode()
                .put("id", t.id())
                .put("name", t.name())
                .put("created_at", t.createdAt().toString());
    }

    private ObjectNode key(KeyInfo k) {
        ObjectNode o = mapper.createObjectNode()
                .put("id", k.id())
                .put("tenant_id", k.tenantId())
                .put("created_at", k.createdAt().toString());
        if (k.revokedAt() == null) {
            o.putNull("revoked_at");
        } else {
            o.put("revoked_at", k.revokedAt().toString());
        }
        o.put("active", k.activeAt(clock.instant()));
        return o;
    }
}
