package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.replay.ReplayRun;
import io.inferbroker.replay.ReplayRuns;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /admin/replays} starts a replay (a cost report or an audit) in this server's background
 * and answers 202 with its id; {@code GET /admin/replays/{id}} reports its progress, and {@code GET
 * /admin/replays/{id}/report} serves the report once it is done. Behind the admin key.
 */
public final class ReplayAdminHandler {
    private static final int RETRY_AFTER_SECONDS = 30;

    private final ReplayRuns runs;
    private final SubmitParser json;
    private final ObjectMapper mapper;
    private final Clock clock;

    public ReplayAdminHandler(ReplayRuns runs, ObjectMapper mapper, Clock clock) {
        this.runs = runs;
        this.json = new SubmitParser(mapper, List.of());
        this.mapper = mapper;
        this.clock = clock;
    }

    public void start(Context ctx) {
        JobsHandler.requireJson(ctx);
        JsonNode body = json.readJson(ctx.bodyAsBytes());
        ReplayRun run;
        try {
            run = runs.start(ReplayBody.parse(body, clock.instant()));
        } catch (RejectedExecutionException e) {
            throw Problems.unavailable("too many replays are waiting; try again later", RETRY_AFTER_SECONDS);
        }
        ctx.status(202)
                .header("Location", url(run))
                .contentType(JobsHandler.JSON)
                .result(describe(run).toString());
    }

    public void get(Context ctx) {
        ctx.contentType(JobsHandler.JSON).result(describe(find(ctx)).toString());
    }

    public void report(Context ctx) {
        ReplayRun run = find(ctx);
        if (run.state() != ReplayRun.State.SUCCEEDED) {
            throw new ProblemException(new Problem(
                    "replay-not-done",
                    "Replay has no report",
                    409,
                    "replay '" + run.id() + "' is " + run.state().wireName()
                            + run.error().map(e -> ": " + e).orElse("")));
        }
        ctx.contentType(run.mediaType()).result(run.report().orElse(""));
    }

    private ReplayRun find(Context ctx) {
        String id = ctx.pathParam("id");
        return runs.find(id)
                .orElseThrow(() -> new ProblemException(new Problem(
                        "not-found", "Replay not found", 404, "no replay '" + id + "' (kept: the last ones)")));
    }

    private ObjectNode describe(ReplayRun run) {
        ObjectNode out = mapper.createObjectNode();
        out.put("id", run.id());
        out.put("object", "replay");
        out.put("kind", run.request().kind().wireName());
        out.put("status", run.state().wireName());
        out.put("format", run.request().format().name().toLowerCase(java.util.Locale.ROOT));
        out.put("from", run.request().range().from().toString());
        out.put("to", run.request().range().to().toString());
        out.putObject("progress").put("read", run.read()).put("total", run.total());
        out.put("created_at", run.createdAt().toString());
        run.finishedAt().ifPresent(t -> out.put("finished_at", t.toString()));
        run.error().ifPresent(e -> out.put("error", e));
        ObjectNode urls = out.putObject("urls").put("get", url(run));
        if (run.state() == ReplayRun.State.SUCCEEDED) {
            urls.put("report", url(run) + "/report");
        }
        return out;
    }

    private static String url(ReplayRun run) {
        return "/admin/replays/" + run.id();
    }
}
