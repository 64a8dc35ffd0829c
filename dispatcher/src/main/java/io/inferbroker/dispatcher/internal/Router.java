package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.ModelRouting;
import io.inferbroker.dispatcher.RoutingPolicy;
import io.inferbroker.dispatcher.RoutingRequest;
import io.inferbroker.dispatcher.RoutingStrategy;
import io.inferbroker.dispatcher.RoutingVerdict;
import io.inferbroker.dispatcher.WorkerCandidate;
import io.inferbroker.schemas.WorkerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the worker for the next batch of one model: the model's own workers first, then those of
 * each model of its fallback chain, each time through the model's routing policy. Candidates are the
 * usable workers whose circuit breaker lets work through, with this task's outstanding counts. What
 * it grants never exceeds the jobs asked for or the chosen worker's headroom. Confined to one
 * stream thread.
 */
final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /**
     * A batch to send: to {@code workerId} (the run of it named {@code instance}, null when its status
     * names none), running {@code model}, at most {@code jobs} jobs.
     */
    record Routed(String workerId, @Nullable String instance, String model, int jobs, String strategy) {}

    private final DispatcherConfig config;
    private final @Nullable RoutingPolicy override;
    private final Map<RoutingStrategy, RoutingPolicy> policies = new EnumMap<>(RoutingStrategy.class);
    private final WorkerDirectory workers;
    private final Breakers breakers;
    private final JobBook book;
    /** Usable workers per model, read once per instant: a tick may form many batches. */
    private final Map<String, List<WorkerStatus>> usable = new HashMap<>();

    private Instant usableAt = Instant.MIN;

    /** @param override the policy for every model instead of the configured strategies; null for those */
    Router(
            DispatcherConfig config,
            @Nullable RoutingPolicy override,
            WorkerDirectory workers,
            Breakers breakers,
            JobBook book) {
        this.config = config;
        this.override = override;
        this.workers = workers;
        this.breakers = breakers;
        this.book = book;
        for (RoutingStrategy s : RoutingStrategy.values()) {
            policies.put(s, s.newPolicy());
        }
    }

    /**
     * The worker for up to {@code head.size()} jobs of {@code model}; null when no worker of the
     * model or of its fallbacks can take any now.
     */
    @Nullable
    Routed route(String model, List<QueuedJob> head, Instant now) {
        ModelRouting routing = config.routingFor(model);
        RoutingPolicy policy = override != null ? override : policies.get(routing.strategy());
        String strategy = override != null ? "custom" : routing.strategy().configName();
        List<Instant> deadlines = new ArrayList<>(head.size());
        long outputTokens = 0;
        for (QueuedJob q : head) {
            Instant d = q.job().deadline();
            deadlines.add(d == null ? Instant.MAX : d);
            outputTokens = Math.max(outputTokens, TokenCount.output(q.job().input(), config.defaultMaxTokens()));
        }
        for (String served : chainOf(model, routing)) {
            List<WorkerCandidate> candidates = candidates(served, now);
            RoutingRequest request = new RoutingRequest(served, head.size(), deadlines, outputTokens);
            Routed routed = grant(policy.route(request, candidates, now), candidates, served, head.size(), strategy);
            if (routed != null) {
                return routed;
            }
        }
        return null;
    }

    /**
     * The most jobs any usable worker of {@code model} or of its fallbacks could take now: 0 means
     * there is no point reading the model's queue, and no batch can be larger than this.
     */
    int room(String model, Instant now) {
        ModelRouting routing = config.routingFor(model);
        int best = 0;
        for (String served : chainOf(model, routing)) {
            for (WorkerCandidate c : candidates(served, now)) {
                best = Math.max(best, c.headroom());
            }
        }
        return best;
    }

    private static List<String> chainOf(String model, ModelRouting routing) {
        List<String> chain = new ArrayList<>(1 + routing.fallback().size());
        chain.add(model);
        chain.addAll(routing.fallback());
        return chain;
    }

    private List<WorkerCandidate> candidates(String model, Instant now) {
        List<WorkerCandidate> candidates = new ArrayList<>();
        if (!now.equals(usableAt)) {
            usable.clear();
            usableAt = now;
        }
        for (WorkerStatus s : usable.computeIfAbsent(model, m -> workers.usableFor(m, now))) {
            int allowance = breakers.allowance(s.workerId(), now);
            if (allowance > 0) {
                candidates.add(new WorkerCandidate(s, book.outstanding(s.workerId()), allowance));
            }
        }
        return candidates;
    }

    /** What the dispatcher actually sends: the route's size, never beyond what waits or the worker's headroom. */
    private static @Nullable Routed grant(
            RoutingVerdict verdict, List<WorkerCandidate> candidates, String model, int wanted, String strategy) {
        return switch (verdict) {
            case RoutingVerdict.NoWorker none -> null;
            case RoutingVerdict.Route route -> {
                for (WorkerCandidate c : candidates) {
                    if (c.workerId().equals(route.workerId())) {
                        int jobs = Math.min(Math.min(route.jobs(), wanted), c.headroom());
                        yield jobs > 0
                                ? new Routed(route.workerId(), c.status().instance(), model, jobs, strategy)
                                : null;
                    }
                }
                LOG.warn("routing chose worker {}, which is not a usable candidate; no batch sent", route.workerId());
                yield null;
            }
        };
    }
}
