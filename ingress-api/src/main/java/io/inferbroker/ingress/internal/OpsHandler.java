package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.ingress.ReadinessCheck;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/** {@code /health/live}, {@code /health/ready} and the Prometheus {@code /metrics} of any role. */
public final class OpsHandler {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ObjectMapper mapper;
    private final List<ReadinessCheck> checks;
    private final PrometheusMeterRegistry registry;

    public OpsHandler(ObjectMapper mapper, List<ReadinessCheck> checks, PrometheusMeterRegistry registry) {
        this.mapper = mapper;
        this.checks = List.copyOf(checks);
        this.registry = registry;
    }

    public void live(Context ctx) {
        ctx.contentType(JobsHandler.JSON).result("{\"status\":\"up\"}");
    }

    public void ready(Context ctx) {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode detail = body.putObject("checks");
        boolean all = true;
        for (ReadinessCheck check : checks) {
            boolean ok = safely(check);
            detail.put(check.name(), ok ? "up" : "down");
            all &= ok;
        }
        body.put("status", all ? "ready" : "not_ready");
        ctx.status(all ? 200 : 503).contentType(JobsHandler.JSON).result(body.toString());
    }

    public void metrics(Context ctx) {
        ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape());
    }

    private static boolean safely(ReadinessCheck check) {
        try {
            return check.ready().getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
