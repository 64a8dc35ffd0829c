package io.inferbroker.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.ingress.internal.AdminHandler;
import io.inferbroker.ingress.internal.Admission;
import io.inferbroker.ingress.internal.AdmissionFilter;
import io.inferbroker.ingress.internal.ApiDocsHandler;
import io.inferbroker.ingress.internal.Authenticator;
import io.inferbroker.ingress.internal.BodyLimit;
import io.inferbroker.ingress.internal.ControlSender;
import io.inferbroker.ingress.internal.FleetHandler;
import io.inferbroker.ingress.internal.IngressMetrics;
import io.inferbroker.ingress.internal.JettyProblems;
import io.inferbroker.ingress.internal.JobFeed;
import io.inferbroker.ingress.internal.JobJson;
import io.inferbroker.ingress.internal.JobStreamHandler;
import io.inferbroker.ingress.internal.JobSubmitter;
import io.inferbroker.ingress.internal.JobWaits;
import io.inferbroker.ingress.internal.JobsHandler;
import io.inferbroker.ingress.internal.LocalJobs;
import io.inferbroker.ingress.internal.ModelsHandler;
import io.inferbroker.ingress.internal.OpenAiHandler;
import io.inferbroker.ingress.internal.OpsHandler;
import io.inferbroker.ingress.internal.ProblemException;
import io.inferbroker.ingress.internal.ProblemResponder;
import io.inferbroker.ingress.internal.QueryTextGuard;
import io.inferbroker.ingress.internal.ReplayAdminHandler;
import io.inferbroker.ingress.internal.TenantLimitsHandler;
import io.inferbroker.ingress.internal.WebhookTargets;
import io.inferbroker.ingress.internal.WebhooksHandler;
import io.inferbroker.ingress.internal.WorkerBoard;
import io.inferbroker.replay.ReplayRuns;
import io.inferbroker.replay.ReplaySource;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.store.api.StoreUnavailableException;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a broker process: the public API when built with {@link #startApi}, or only
 * health and metrics (for roles without an API) with {@link #startOps}. Started on construction;
 * the caller closes it. Thread-safe.
 */
public final class IngressServer implements AutoCloseable {
    private static final Duration FEED_START_TIMEOUT = Duration.ofSeconds(30);
    /** Finished replays kept for {@code GET /admin/replays/{id}}. */
    private static final int KEPT_REPLAYS = 20;

    /**
     * How long a stop waits for the requests under way (sync completions waiting for their result,
     * submits waiting for Kafka's acknowledgement) before it cuts them. Well inside the grace
     * period Kubernetes (30 s) and systemd (90 s) give a process, with room for the other roles.
     */
    static final Duration DRAIN = Duration.ofSeconds(15);

    private final Javalin app;
    private final AutoCloseable owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IngressServer(Javalin app, AutoCloseable owned) {
        this.app = app;
        this.owned = owned;
    }

    /** Everything a client and an operator need: jobs, models, admin, health, metrics. */
    public static IngressServer startApi(
            IngressConfig config,
            IngressPorts ports,
            List<ReadinessCheck> readiness,
            PrometheusMeterRegistry registry,
            Clock clock) {
        var mapper = WireJson.newMapper();
        var metrics = new IngressMetrics(registry);
        var submitter = submitter(config, ports);
        // What this instance knows of jobs: filled by its feed, asked by its handlers.
        var localJobs = new LocalJobs(config.streamBufferEvents());
        var feed = startFeed(config, ports, localJobs, metrics, clock);
        var waits = new JobWaits(feed, ports.jobs(), new JobJson(mapper), metrics);
        var control = new ControlSender(ports.control(), config.topics(), config.submitTimeout(), clock);
        var targets = new WebhookTargets(ports.webhookTargets());
        var jobsHandler = new JobsHandler(
                config,
                mapper,
                submitter,
                control,
                ports.idempotency(),
                waits,
                ports.jobs(),
                localJobs,
                targets,
                metrics,
                clock);
        var streams = new JobStreamHandler(
                jobsHandler,
                waits,
                feed,
                localJobs,
                ports.kafkaClient(),
                config.topics().tokens(),
                config.submitTimeout(),
                metrics);
        var models = new ModelsHandler(mapper, config.models(), clock.instant());
        var checks = new java.util.ArrayList<>(readiness);
        checks.add(new ReadinessCheck("job-feed", feed::isReady));
        var ops = new OpsHandler(mapper, checks, registry);
        var auth = new Authenticator(ports.keys(), metrics, clock);
        var admission = startAdmission(config, ports, metrics, clock);
        var openAi = new OpenAiHandler(
                config, mapper, submitter, admission, feed, control, metrics, clock, localJobs::accepted);
        var operator = Operator.start(config, ports, auth, admission, mapper, registry, clock);
        var webhooks = new WebhooksHandler(ports.webhooks(), targets, mapper, clock);
        Runnable drain = drain(streams, openAi, waits);
        AutoCloseable owned = () -> {
            operator.close();
            openAi.close();
            streams.close();
            feed.close();
            admission.close();
        };
        return start(
                config.host(),
                config.port(),
                config.maxBodyBytes(),
                config.socketSendBufferBytes(),
                drain,
                owned,
                cfg -> {
                    ops(cfg, ops);
                    docs(cfg);
                    cfg.routes.before("/v1/*", auth);
                    cfg.routes.post("/v1/jobs", jobsHandler::submit);
                    cfg.routes.get("/v1/jobs", jobsHandler::list);
                    cfg.routes.get("/v1/jobs/{id}", jobsHandler::get);
                    cfg.routes.post("/v1/jobs/{id}/cancel", jobsHandler::cancel);
                    cfg.routes.get("/v1/jobs/{id}/stream", streams::stream);
                    cfg.routes.get("/v1/models", models::list);
                    // OpenAI-compatible: synchronous for the caller, through Kafka and the job feed inside;
                    // each handler asks the admission policy itself and answers a refusal in OpenAI's shape.
                    cfg.routes.post("/v1/chat/completions", openAi::chat);
                    cfg.routes.post("/v1/completions", openAi::completions);
                    cfg.routes.post("/v1/embeddings", openAi::embeddings);
                    // Admission: rate and queue limits before a submit reaches Kafka.
                    cfg.routes.before("/v1/jobs", new AdmissionFilter(admission, mapper, config.models(), clock));
                    operator.routes(cfg);
                    webhooks(cfg, webhooks);
                });
    }

    /** The operator's side of the API: tenants and keys, limits, live dispatching state, replays. */
    private record Operator(
            AdminHandler admin,
            TenantLimitsHandler limits,
            FleetHandler fleet,
            ReplayAdminHandler replayAdmin,
            WorkerBoard workerBoard,
            ReplayRuns replays)
            implements AutoCloseable {

        static Operator start(
                IngressConfig config,
                IngressPorts ports,
                Authenticator auth,
                Admission admission,
                ObjectMapper mapper,
                PrometheusMeterRegistry registry,
                Clock clock) {
            var workerBoard = WorkerBoard.start(ports.kafkaClient(), config.topics());
            var replays =
                    new ReplayRuns(new ReplaySource(bootstrap(ports), config.topics()), clock, registry, KEPT_REPLAYS);
            return new Operator(
                    new AdminHandler(ports.keys(), ports.adminKey(), mapper, auth, clock),
                    TenantLimitsHandler.of(ports.tenantLimits(), admission, mapper),
                    new FleetHandler(admission.board(), workerBoard, mapper, clock),
                    new ReplayAdminHandler(replays, mapper, clock),
                    workerBoard,
                    replays);
        }

        void routes(JavalinConfig cfg) {
            cfg.routes.before("/admin/*", admin.guard());
            cfg.routes.post("/admin/tenants", admin::createTenant);
            cfg.routes.get("/admin/tenants", admin::listTenants);
            cfg.routes.get("/admin/tenants/{id}", admin::getTenant);
            cfg.routes.get("/admin/tenants/{id}/keys", admin::listKeys);
            cfg.routes.post("/admin/tenants/{id}/keys", admin::issueKey);
            cfg.routes.post("/admin/keys/{id}/revoke", admin::revokeKey);
            cfg.routes.post("/admin/keys/{id}/rotate", admin::rotateKey);
            cfg.routes.put("/admin/tenants/{id}/limits", limits::put);
            cfg.routes.get("/admin/tenants/{id}/limits", limits::get);
            // Dispatching, live: queues and workers as the compacted topics last reported them.
            cfg.routes.get("/admin/queues", fleet::queues);
            cfg.routes.get("/admin/workers", fleet::workers);
            // Replays of the topics (cost reports, audits) in the background, one at a time.
            cfg.routes.post("/admin/replays", replayAdmin::start);
            cfg.routes.get("/admin/replays/{id}", replayAdmin::get);
            cfg.routes.get("/admin/replays/{id}/report", replayAdmin::report);
        }

        @Override
        public void close() {
            replays.close();
            workerBoard.close();
        }
    }

    /** Produces the jobs accepted here, each model's jobs under its routing key. */
    private static JobSubmitter submitter(IngressConfig config, IngressPorts ports) {
        return new JobSubmitter(
                ports.requests(),
                config.topics(),
                config.submitTimeout(),
                Partitioning.ofFallbacks(
                        config.models().stream().collect(Collectors.toMap(ModelInfo::id, ModelInfo::fallback))));
    }

    /** This instance's reader of the tokens, events and results topics, telling {@code localJobs} what it reads. */
    private static JobFeed startFeed(
            IngressConfig config, IngressPorts ports, LocalJobs localJobs, IngressMetrics metrics, Clock clock) {
        return JobFeed.start(
                ports.kafkaClient(),
                config.topics(),
                config.streamBufferEvents(),
                localJobs,
                metrics,
                clock,
                FEED_START_TIMEOUT);
    }

    /** The rate and queue limits a submit passes before it reaches Kafka, for the configured models. */
    private static Admission startAdmission(
            IngressConfig config, IngressPorts ports, IngressMetrics metrics, Clock clock) {
        var modelIds = config.models().stream().map(ModelInfo::id).toList();
        return Admission.start(
                ports.admission(),
                ports.tenantLimits(),
                ports.kafkaClient(),
                config.topics(),
                modelIds,
                metrics,
                clock);
    }

    private static String bootstrap(IngressPorts ports) {
        return ports.kafkaClient().getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "");
    }

    /** Health and metrics only, for a process that runs no API. */
    public static IngressServer startOps(
            String host, int port, List<ReadinessCheck> readiness, PrometheusMeterRegistry registry) {
        var ops = new OpsHandler(WireJson.newMapper(), readiness, registry);
        return start(host, port, 64 * 1024, 0, () -> {}, () -> {}, cfg -> ops(cfg, ops));
    }

    private static void docs(JavalinConfig cfg) {
        var docs = new ApiDocsHandler();
        cfg.staticFiles.enableWebjars();
        cfg.routes.get("/openapi.json", docs::spec);
        cfg.routes.get("/docs", docs::page);
    }

    /**
     * The HTTP routes this server answers, as {@code "METHOD /path"} with path parameters in braces:
     * what {@code /openapi.json} must describe.
     */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> e.method.name() + " " + e.path)
                .sorted()
                .toList();
    }

    /**
     * What a stop does once new requests are refused: open streams end (their clients resume
     * elsewhere with Last-Event-ID) and held waits answer as if their time were up; what else is
     * under way gets {@link #DRAIN} to finish.
     */
    private static Runnable drain(JobStreamHandler streams, OpenAiHandler openAi, JobWaits waits) {
        return () -> {
            streams.close();
            openAi.close();
            waits.releaseHolds();
        };
    }

    /** Webhooks: a tenant's subscriptions, signing secrets and delivery log. */
    private static void webhooks(JavalinConfig cfg, WebhooksHandler webhooks) {
        cfg.routes.post("/v1/webhooks", webhooks::create);
        cfg.routes.get("/v1/webhooks", webhooks::list);
        cfg.routes.post("/v1/webhooks/job-secret/rotate", webhooks::rotateJobSecret);
        cfg.routes.get("/v1/webhooks/{id}", webhooks::get);
        cfg.routes.delete("/v1/webhooks/{id}", webhooks::delete);
        cfg.routes.post("/v1/webhooks/{id}/rotate-secret", webhooks::rotate);
        cfg.routes.get("/v1/webhooks/{id}/deliveries", webhooks::subscriptionDeliveries);
        cfg.routes.get("/v1/webhook-deliveries", webhooks::jobDeliveries);
        cfg.routes.post("/v1/webhook-deliveries/{id}/retry", webhooks::retry);
    }

    private static void ops(JavalinConfig cfg, OpsHandler ops) {
        cfg.routes.get("/health/live", ops::live);
        cfg.routes.get("/health/ready", ops::ready);
        cfg.routes.get("/metrics", ops::metrics);
    }

    private static IngressServer start(
            String host,
            int port,
            long maxBody,
            int sendBufferBytes,
            Runnable drain,
            AutoCloseable owned,
            Consumer<JavalinConfig> routes) {
        var problems = new ProblemResponder(WireJson.newMapper());
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = maxBody;
            cfg.jetty.host = host;
            cfg.jetty.port = port;
            // Jetty's per-connection cache of repeated header fields is a trie of about 100 KiB,
            // built on a connection's second request and kept while it is open: with thousands of
            // kept-alive API clients and open job streams that was half of the heap per connection
            // (StreamBench), against a few header objects saved per request. Common fields stay
            // cached in Jetty's static cache.
            cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            // Jetty's own errors (bad URI, 414, 431, 505, ...) as problems too, never HTML.
            JettyProblems jettyProblems = new JettyProblems(problems);
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(jettyProblems);
                // A stop lets requests under way finish (up to DRAIN) instead of cutting their
                // connections; requests that come meanwhile are answered 503. Javalin puts its
                // context inside this handler.
                server.setHandler(new DrainingHandler(drain));
                server.setStopTimeout(DRAIN.toMillis());
            });
            cfg.jetty.modifyServletContextHandler(context -> context.setErrorHandler(jettyProblems));
            cfg.routes.before(new BodyLimit(maxBody));
            cfg.routes.before(new QueryTextGuard());
            routes.accept(cfg);
            cfg.routes.exception(ProblemException.class, problems::problem);
            cfg.routes.exception(HttpResponseException.class, problems::http);
            cfg.routes.exception(StoreUnavailableException.class, problems::storeUnavailable);
            cfg.routes.exception(CompletionException.class, problems::completion);
            cfg.routes.exception(Exception.class, problems::unexpected);
            cfg.routes.error(404, "*", problems::notFound);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            closeQuietly(owned);
            if (hasCause(e, BindException.class)) {
                throw new PortInUseException(port, e);
            }
            throw e;
        }
        if (sendBufferBytes > 0) {
            // Read at each accept: connections accepted from now on get the bounded buffer.
            for (Connector connector : app.jettyServer().server().getConnectors()) {
                if (connector instanceof ServerConnector server) {
                    server.setAcceptedSendBufferSize(sendBufferBytes);
                }
            }
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

    /** Stops accepting requests and stops the server, then what it runs (the queues reader); idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                // Requests still under way after DRAIN were cut; the server is stopped all the same.
                LoggerFactory.getLogger(IngressServer.class)
                        .warn("the HTTP server stopped uncleanly: {}", e.toString());
            }
            closeQuietly(owned);
        }
    }

    /**
     * Jetty's graceful stop with the ingress's own step: once new requests are refused (503), open
     * streams end and held waits answer, so that what is left to wait for ends on its own.
     */
    private static final class DrainingHandler extends GracefulHandler {
        private final Runnable drain;

        DrainingHandler(Runnable drain) {
            this.drain = drain;
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            CompletableFuture<Void> drained = super.shutdown();
            drain.run();
            return drained;
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LoggerFactory.getLogger(IngressServer.class).warn("error while stopping the ingress: {}", e.toString());
        }
    }
}
