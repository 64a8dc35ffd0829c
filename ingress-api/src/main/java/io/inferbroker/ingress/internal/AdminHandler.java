package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.store.ApiKeyStore;
import io.inferbroker.store.IssuedKey;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The admin API, behind the admin key: so far {@code POST /admin/tenants}, which creates a tenant
 * and its first API key (the key is shown only in this answer).
 */
public final class AdminHandler {
    private static final String BEARER = "Bearer ";

    private final ApiKeyStore keys;
    private final byte[] adminKey;
    private final SubmitParser json;
    private final ObjectMapper mapper;

    public AdminHandler(ApiKeyStore keys, String adminKey, ObjectMapper mapper) {
        this.keys = keys;
        this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
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
            byte[] given = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
            if (adminKey.length == 0 || !MessageDigest.isEqual(adminKey, given)) {
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
        String tenantId = keys.createTenant(name.asText());
        IssuedKey key = keys.issueKey(tenantId);
        var out = mapper.createObjectNode();
        out.put("id", tenantId);
        out.put("name", name.asText());
        out.putObject("api_key").put("id", key.keyId()).put("secret", key.secret());
        ctx.status(201).contentType(JobsHandler.JSON).result(out.toString());
    }
}
