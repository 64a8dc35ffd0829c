package io.inferbroker.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One fault suite run: the client mix under way while every target is killed and restarted in
 * turn, each restart timed until the target says it is ready and until it works again (probe jobs
 * submitted after the kill have finished and their webhooks arrived; for a worker, also a job it
 * started after the kill). Not thread-safe: the test thread drives it.
 */
final class FaultRun implements AutoCloseable {
    private static final int PROBES = 6;

    /**
     * One kill (or SIGTERM, {@code graceful}) and what followed: seconds from it to ready and to working
     * again (NaN: not within the bound).
     */
    record Recovery(String target, int round, boolean graceful, double toReady, double toWork) {
        boolean recovered() {
            return !Double.isNaN(toWork);
        }
    }

    final Api api = new Api();
    final Ledger ledger = new Ledger();
    final WebhookReceiver hooks;
    final Clients clients;
    final FaultProfile profile;
    final List<Recovery> recoveries = new ArrayList<>();
    private final Supplier<List<String>> ingresses;

    FaultRun(FaultProfile profile, Supplier<List<String>> ingresses) throws IOException {
        this.profile = profile;
        this.ingresses = ingresses;
        this.hooks = new WebhookReceiver();
        this.clients = new Clients(api, ingresses, ledger);
    }

    /**
     * Makes a tenant (its key for every client) and subscribes the receiver to every terminal event.
     */
    void setUp(String adminKey) throws IOException, InterruptedException {
        String base = ingresses.get().getFirst();
        var tenant = api.post(base + "/admin/tenants", adminKey, "{\"name\":\"faults\"}", Duration.ofSeconds(30));
        if (tenant.statusCode() != 201) {
            throw new IllegalStateException("cannot create a tenant: " + tenant.statusCode() + " " + tenant.body());
        }
        api.key(Api.parse(tenant.body()).path("api_key").path("secret").asText());
        var sub = api.post(
                base + "/v1/webhooks",
                "{\"url\":\"" + hooks.url() + "\",\"events\":[\"job.succeeded\",\"job.failed\",\"job.canceled\","
                        + "\"job.expired\",\"job.rejected\"]}",
                Duration.ofSeconds(30));
        if (sub.statusCode() != 201) {
            throw new IllegalStateException("cannot subscribe: " + sub.statusCode() + " " + sub.body());
        }
        hooks.secret(Api.parse(sub.body()).path("secret").asText());
    }

    /**
     * Runs the load, kills every target {@code killsPerTarget} times, one at a time, then stops every
     * stoppable one with SIGTERM and starts it again (an upgrade under load); returns when all is done.
     */
    void run(List<Target> targets) {
        clients.start(profile.perSecond(), profile.maxInFlight());
        await().atMost(Duration.ofMinutes(2)).until(() -> ledger.acceptedLoad() >= 100);
        for (int round = 1; round <= profile.killsPerTarget(); round++) {
            for (Target t : targets) {
                recoveries.add(fault(t, round, false));
            }
        }
        for (Target t : targets) {
            if (t.stop().isPresent()) {
                recoveries.add(fault(t, 1, true));
            }
        }
        Duration rest =
                Duration.ofSeconds(Math.max(30, 2 * (profile.jobs() - clients.launched()) / profile.perSecond()));
        try {
            await().atMost(rest).until(() -> clients.launched() >= profile.jobs());
        } finally {
            clients.stopLaunching();
        }
    }

    private Recovery fault(Target t, int round, boolean graceful) {
        Runnable how = graceful ? t.stop().orElseThrow() : t.kill();
        long killed = System.nanoTime();
        Instant killedAt = Instant.now();
        how.run();
        t.start().run();
        List<CompletableFuture<Optional<String>>> probes = new ArrayList<>();
        for (int i = 0; i < PROBES; i++) {
            probes.add(clients.submit(
                    "probe " + t.name() + " " + round + " " + i,
                    Ledger.Kind.PROBE,
                    Optional.empty(),
                    t.ingress().orElse(null)));
        }
        double toReady = seconds(killed, () -> t.ready().getAsBoolean());
        double toWork = seconds(killed, () -> works(t, probes, killedAt));
        System.out.printf(
                "%s %s #%d: ready after %.1f s, working after %.1f s%n",
                graceful ? "sigterm" : "fault", t.name(), round, toReady, toWork);
        return new Recovery(t.name(), round, graceful, toReady, toWork);
    }

    private boolean works(Target t, List<CompletableFuture<Optional<String>>> probes, Instant killedAt) {
        for (var p : probes) {
            if (!p.isDone() || p.join().isEmpty() || hooks.terminal(p.join().get()) == null) {
                return false;
            }
        }
        return t.worker()
                .map(w -> hooks.terminals().values().stream()
                        .anyMatch(x -> x.worker().equals(w) && x.startedAt().isAfter(killedAt)))
                .orElse(true);
    }

    private double seconds(long since, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(profile.recoveryBound())
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(condition);
            return (System.nanoTime() - since) / 1e9;
        } catch (ConditionTimeoutException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        clients.close();
        hooks.close();
    }
}
