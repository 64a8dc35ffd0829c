package io.inferbroker.ingress;

import io.inferbroker.ingress.internal.AdminHandler;
import io.inferbroker.ingress.internal.Authenticator;
import io.inferbroker.ingress.internal.ControlSender;
import io.inferbroker.ingress.internal.IngressMetrics;
import io.inferbroker.ingress.internal.JobFeed;
import io.inferbroker.ingress.internal.JobJson;
import io.inferbroker.ingress.internal.JobSubmitter;
import io.inferbroker.ingress.internal.JobWaits;
import io.inferbroker.ingress.internal.JobsHandler;
import io.inferbroker.ingress.internal.ModelsHandler;
import io.inferbroker.ingress.internal.OpenAiHandler;
import io.inferbroker.ingress.internal.OpsHandler;
import io.inferbroker.ingress.internal.ProblemException;
import io.inferbroker.ingress.internal.ProblemResponder;
import io.inferbroker.schemas.WireJson;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a broker process: the public API when built with {@link #startApi}, or only
 * health and metrics (for roles without an API) with {@link #startOps}. Started on construction;
 * the caller closes it. Thread-safe.
 */
public final class IngressServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngressServer.class);
    private static final Duration FEED_START_TIMEOUT = Duration.ofSeconds(30);

    private final Javalin app;
    private final List<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IngressServer(Javalin app, List<AutoCloseable> owned) {
        this.app = app;
        this.owned = List.copyOf(owned);
    }

    /**
     * Everything a client and an operator need: jobs, the OpenAI-compatible endpoints, models,
     * admin, health, metrics. Starts this instance's reader of the tokens, events and results
     * topics first (blocking until it is positioned) and adds its readiness check "job-feed".
     */
    public static IngressServer startApi(
            IngressConfig config,
            IngressPorts ports,
            List<ReadinessCheck> readiness,
            PrometheusMeterRegistry registry,
            Clock clock) {
        var mapper = WireJson.newMapper();
        var metrics = new IngressMetrics(registry);
        var feed = JobFeed.start(
                ports.kafkaClient(), config.topics(), JobFeed.DEFAULT_STREAM_CAPACITY, metrics, FEED_START_TIMEOUT);
        var submitter = new JobSubmitter(ports.requests(), config.topics(), config.submitTimeout());
        var waits = new JobWaits(feed, ports.jobs(), new JobJson(mapper), metrics);
        var jobsHandler = new JobsHandler(config, mapper, submitter, ports.jobs(), metrics, clock, waits);
        var models = new ModelsHandler(mapper, config.models(), clock.instant());
        var control = new ControlSender(ports.control(), config.topics(), config.submitTimeout(), clock);
        var openAi = new OpenAiHandler(config, mapper, submitter, feed, control, metrics, clock);
        var checks = new ArrayList<>(readiness);
        checks.add(new ReadinessCheck("job-feed", feed::isReady));
        var ops = new OpsHandler(mapper, checks, registry);
        var auth = new Authenticator(ports.keys(), metrics);
        var admin = new AdminHandler(ports.keys(), ports.adminKey(), mapper);
        Consumer<JavalinConfig> routes = cfg -> {
            ops(cfg, ops);
            cfg.routes.before("/v1/*", auth);
            cfg.routes.post("/v1/jobs", jobsHandler::submit);
            cfg.routes.get("/v1/jobs/{id}", jobsHandler::get);
            cfg.routes.get("/v1/models", models::list);
            cfg.routes.before("/admin/*", admin.guard());
            cfg.routes.post("/admin/tenants", admin::createTenant);
            // OpenAI-compatible: synchronous for the caller, through Kafka and the job feed inside.
            cfg.routes.post("/v1/chat/completions", openAi::chat);
            cfg.routes.post("/v1/completions", openAi::completions);
            cfg.routes.post("/v1/embeddings", openAi::embeddings);
        };
        try {
            return start(config.host(), config.port(), config.maxBodyBytes(), routes, List.of(openAi, feed));
        } catch (RuntimeException e) {
            openAi.close();
            feed.close();
            throw e;
        }
    }

    /** Health and metrics only, for a process that runs no API. */
    public static IngressServer startOps(
            String host, int port, List<ReadinessCheck> readiness, PrometheusMeterRegistry registry) {
        var ops = new OpsHandler(WireJson.newMapper(), readiness, registry);
        return start(host, port, 64 * 1024, cfg -> ops(cfg, ops), List.of());
    }

    private static void ops(JavalinConfig cfg, OpsHandler ops) {
        cfg.routes.get("/health/live", ops::live);
        cfg.routes.get("/health/ready", ops::ready);
        cfg.routes.get("/metrics", ops::metrics);
    }

    private static IngressServer start(
            String host, int port, long maxBody, Consumer<JavalinConfig> routes, List<AutoCloseable> owned) {
        var problems = new ProblemResponder(WireJson.newMapper());
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = maxBody;
            cfg.jetty.host = host;
            cfg.jetty.port = port;
            routes.accept(cfg);
            cfg.routes.exception(ProblemException.class, problems::problem);
            cfg.routes.exception(HttpResponseException.class, problems::http);
            cfg.routes.exception(CompletionException.class, (e, ctx) -> {
                if (e.getCause() instanceof ProblemException p) {
                    problems.problem(p, ctx);
                } else {
                    problems.unexpected(e, ctx);
                }
            });
            cfg.routes.exception(Exception.class, problems::unexpected);
            cfg.routes.error(404, "*", problems::notFound);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            if (hasCause(e, BindException.class)) {
                throw new PortInUseException(port, e);
            }
            throw e;
        }
        return new IngressServer(app, owned);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The bound port (useful when configured with port 0). */
    public int port() {
        return app.port();
    }

    /** Stops accepting requests and stops the server; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            app.stop();
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }
}
