package io.inferbroker.ingress.internal;

import io.inferbroker.store.ApiKeyStore;
import io.inferbroker.store.Principal;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** Before-handler for {@code /v1/*}: resolves the bearer API key to a tenant or answers 401. */
public final class Authenticator implements Handler {
    private static final String ATTRIBUTE = "inferbroker.principal";
    private static final String BEARER = "Bearer ";

    private final ApiKeyStore keys;
    private final IngressMetrics metrics;

    public Authenticator(ApiKeyStore keys, IngressMetrics metrics) {
        this.keys = keys;
        this.metrics = metrics;
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            metrics.authFailed();
            throw Problems.missingKey();
        }
        String secret = header.substring(BEARER.length()).trim();
        Principal principal = keys.authenticate(secret).orElseThrow(() -> {
            metrics.authFailed();
            return Problems.invalidKey();
        });
        ctx.attribute(ATTRIBUTE, principal);
    }

    /** The principal the before-handler stored; only call on authenticated routes. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) {
            throw Problems.missingKey();
        }
        return p;
    }
}
