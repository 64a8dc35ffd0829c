package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.WorkerLoad;
import io.inferbroker.schemas.WorkerStatus;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/queues} and {@code GET /admin/workers}: the live state of dispatching, from the
 * compacted topics the ingress already reads (the ingress runs no Kafka Streams): each model's queue
 * as its dispatcher task last reported it, and each worker's last status enriched with what the
 * dispatchers report about it (jobs they sent it without a result, their circuit breaker). A status
 * older than its freshness bound is shown with {@code stale: true} rather than hidden.
 */
public final class FleetHandler {
    /** Dispatchers report every second; older than this, a queue status is stale. */
    static final Duration QUEUE_STALE_AFTER = Duration.ofSeconds(5);
    /** Workers report every second; older than this (the dispatcher's default lease), a status is stale. */
    static final Duration WORKER_STALE_AFTER = Duration.ofSeconds(10);

    private final QueueBoard queues;
    private final WorkerBoard workers;
    private final ObjectMapper mapper;
    private final Clock clock;

    public FleetHandler(QueueBoard queues, WorkerBoard workers, ObjectMapper mapper, Clock clock) {
        this.queues = queues;
        this.workers = workers;
        this.mapper = mapper;
        this.clock = clock;
    }

    public void queues(Context ctx) {
        Instant now = clock.instant();
        ObjectNode body = mapper.createObjectNode();
        ArrayNode list = body.putArray("queues");
        for (QueueStatus s : queues.all()) {
            ObjectNode q = mapper.valueToTree(s);
            q.remove("schema_version");
            q.put("stale", s.at().plus(QUEUE_STALE_AFTER).isBefore(now));
            if (!q.has("workers")) {
                q.putArray("workers");
            }
            list.add(q);
        }
        ctx.contentType(JobsHandler.JSON).result(body.toString());
    }

    public void workers(Context ctx) {
        Instant now = clock.instant();
        Map<String, WorkerLoad> loads = dispatcherView(now);
        ObjectNode body = mapper.createObjectNode();
        ArrayNode list = body.putArray("workers");
        for (WorkerStatus s : workers.all()) {
            ObjectNode w = mapper.valueToTree(s);
            w.remove("schema_version");
            w.put("stale", s.at().plus(WORKER_STALE_AFTER).isBefore(now));
            WorkerLoad load = loads.getOrDefault(s.workerId(), new WorkerLoad(s.workerId(), 0, "closed"));
            w.putObject("dispatcher").put("outstanding", load.outstanding()).put("breaker", load.breaker());
            list.add(w);
        }
        ctx.contentType(JobsHandler.JSON).result(body.toString());
    }

    /** Per worker, over the fresh queue statuses: outstanding jobs summed, the least healthy breaker. */
    private Map<String, WorkerLoad> dispatcherView(Instant now) {
        Map<String, WorkerLoad> view = new HashMap<>();
        for (QueueStatus s : queues.all()) {
            if (s.at().plus(QUEUE_STALE_AFTER).isBefore(now)) {
                continue;
            }
            for (WorkerLoad l : s.workerLoads()) {
                view.merge(
                        l.workerId(),
                        l,
                        (a, b) -> new WorkerLoad(
                                a.workerId(), a.outstanding() + b.outstanding(), worse(a.breaker(), b.breaker())));
            }
        }
        return view;
    }

    private static String worse(String a, String b) {
        List<String> order = List.of("closed", "half_open", "open");
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
    }
}
