package io.inferbroker.faults;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The end of a fault suite run: waits up to the profile's bound for quiescence (every accepted job
 * finished, every finished job's webhook arrived, every client done), then reads every job, the
 * results and events topics and the receiver's record, and states each check with its target.
 */
final class Tally {
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "canceled", "expired", "rejected");

    /** One line of the table; {@code pass} is null for figures that have no target. */
    record Row(String check, String target, String actual, Boolean pass) {}

    private final FaultRun run;
    private final Supplier<List<String>> ingresses;
    private final Map<String, JsonNode> finished = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastCode = new ConcurrentHashMap<>();
    private final Map<String, String> lastStatus = new ConcurrentHashMap<>();
    final List<Row> rows = new ArrayList<>();
    private double settledAfter = Double.NaN;

    Tally(FaultRun run, Supplier<List<String>> ingresses) {
        this.run = run;
        this.ingresses = ingresses;
    }

    /** Waits for quiescence up to the bound; true when reached. */
    boolean settle() {
        long start = System.nanoTime();
        try {
            await().atMost(run.profile.quiescenceBound())
                    .pollInterval(Duration.ofSeconds(1))
                    .until(this::quiet);
            settledAfter = (System.nanoTime() - start) / 1e9;
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private boolean quiet() throws InterruptedException {
        boolean clientsDone = run.clients.idle();
        List<String> open = run.ledger.jobs.keySet().stream()
                .filter(id -> !finished.containsKey(id))
                .toList();
        Semaphore slots = new Semaphore(32);
        List<String> bases = ingresses.get();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < open.size(); i++) {
                String id = open.get(i);
                String base = bases.get(i % bases.size());
                slots.acquire();
                pool.execute(() -> {
                    try {
                        read(base, id);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        boolean hooksIn = finished.keySet().stream().allMatch(id -> run.hooks.terminal(id) != null);
        return clientsDone && finished.size() == run.ledger.jobs.size() && hooksIn;
    }

    private void read(String base, String id) {
        try {
            HttpResponse<String> r = run.api.get(base + "/v1/jobs/" + id, Duration.ofSeconds(10));
            lastCode.put(id, r.statusCode());
            if (r.statusCode() == 200) {
                JsonNode job = Api.parse(r.body());
                lastStatus.put(id, job.path("status").asText());
                if (TERMINAL.contains(job.path("status").asText())) {
                    finished.put(id, job);
                }
            }
        } catch (IOException e) {
            lastCode.put(id, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** States every check; call after {@link #settle()}. */
    void reckon(TopicAudit.Findings kafka) {
        Ledger l = run.ledger;
        long accepted = l.jobs.size();
        info(
                "jobs accepted (202/200; 504 for sync)",
                String.format(
                        Locale.ROOT,
                        "%d (async %d, wait %d, sync %d, stream %d, probe %d)",
                        accepted,
                        l.accepted(Ledger.Kind.ASYNC),
                        l.accepted(Ledger.Kind.WAIT),
                        l.accepted(Ledger.Kind.SYNC),
                        l.accepted(Ledger.Kind.STREAM),
                        l.accepted(Ledger.Kind.PROBE)));
        info("submit requests / retries with the same key", l.submits.get() + " / " + l.retries.get());
        info("sync requests unanswered (retried as new jobs)", Long.toString(l.syncUnanswered.get()));
        info(
                "quiescence",
                Double.isNaN(settledAfter)
                        ? "not reached within " + run.profile.quiescenceBound().toSeconds() + " s"
                        : String.format(Locale.ROOT, "after %.1f s", settledAfter));
        long succeeded = count(j -> "succeeded".equals(j.path("status").asText()));
        info(
                "terminal (succeeded / other)",
                finished.size() + " (" + succeeded + " / " + (finished.size() - succeeded) + ")");
        zero(
                "lost: accepted, GET answers 404",
                lastCode.values().stream().filter(c -> c == 404).count());
        List<String> stuck = run.ledger.jobs.keySet().stream()
                .filter(id -> !finished.containsKey(id) && lastCode.getOrDefault(id, 0) != 404)
                .sorted()
                .map(id -> id + " (" + lastStatus.getOrDefault(id, "GET " + lastCode.get(id)) + ")")
                .toList();
        zero("stuck: not terminal within the bound", stuck.size(), stuck);
        zero("submits refused 409 under their own Idempotency-Key", l.conflicts.get());
        zero("clients never accepted (gave up after 4 min)", l.gaveUp.get());
        zero("submits refused with another 4xx", l.refused.get(), List.copyOf(l.refusals));
        zero("submits answered 200/202 without a job id", l.acceptedWithoutId.get());
        zero(
                "duplicate terminal results (inference.results)",
                kafka.duplicateResults().size(),
                kafka.duplicateResults());
        zero(
                "jobs run more than once without a requeue reason (inference.events)",
                kafka.unexplainedReruns().size(),
                kafka.unexplainedReruns());
        info("requeues with a reason", Integer.toString(kafka.requeues()));
        zero(
                "succeeded jobs stored without output, usage or cost (GET)",
                count(j -> "succeeded".equals(j.path("status").asText()) && !hasResult(j)));
        webhooksAndStreams();
    }

    private void webhooksAndStreams() {
        Ledger l = run.ledger;
        List<JsonNode> succeededJobs = finished.values().stream()
                .filter(j -> "succeeded".equals(j.path("status").asText()))
                .toList();
        zero(
                "succeeded jobs without a job.succeeded webhook",
                succeededJobs.stream()
                        .map(j -> run.hooks.terminal(j.path("id").asText()))
                        .filter(t -> t == null || !t.type().equals("job.succeeded"))
                        .count());
        List<String> bare = run.hooks.terminals().entrySet().stream()
                .filter(e -> e.getValue().type().equals("job.succeeded")
                        && !e.getValue().hasResult())
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        zero("job.succeeded webhooks without output, usage or cost", bare.size(), bare);
        info(
                "webhook messages received (refused once on purpose)",
                run.hooks.received() + " (" + run.hooks.refusedCount() + ")");
        zero("webhook messages with an invalid signature", run.hooks.badSignatures());
        zero("job events delivered under more than one webhook-id", run.hooks.eventsWithSeveralIds());
        zero("refused webhook messages not redelivered under their webhook-id", run.hooks.refusedNotRedelivered());
        info("streams (resumed connections)", l.streams.get() + " (" + l.streamResumes.get() + ")");
        zero("streams not exact (gap, duplicate, text not the output)", l.streamFaults.size(), l.streamFaults);
        zero("streams not read to their end", l.streamsUnfinished.get());
        zero(
                "faults without recovery within " + run.profile.recoveryBound().toSeconds() + " s",
                run.recoveries.stream().filter(r -> !r.recovered()).count(),
                run.recoveries.stream()
                        .filter(r -> !r.recovered())
                        .map(r -> r.target() + " #" + r.round())
                        .toList());
    }

    private static boolean hasResult(JsonNode job) {
        return job.path("output").isObject()
                && job.path("usage").isObject()
                && job.path("cost").isObject();
    }

    private long count(java.util.function.Predicate<JsonNode> p) {
        return finished.values().stream().filter(p).count();
    }

    void info(String check, String actual) {
        rows.add(new Row(check, "", actual, null));
    }

    void zero(String check, long actual) {
        zero(check, actual, List.of());
    }

    private void zero(String check, long actual, List<String> examples) {
        String text = Long.toString(actual);
        if (!examples.isEmpty()) {
            text += " e.g. " + String.join(", ", examples.subList(0, Math.min(3, examples.size())));
        }
        rows.add(new Row(check, "0", text, actual == 0));
    }

    List<Row> failures() {
        return rows.stream().filter(r -> Boolean.FALSE.equals(r.pass())).toList();
    }

    /** The table, as Markdown, with the recoveries; also written to {@code file}. */
    String table(String title, Path file) {
        StringBuilder b = new StringBuilder("### ").append(title).append("\n\n");
        b.append("| check | target | actual | |\n|---|---|---|---|\n");
        for (Row r : rows) {
            String verdict = r.pass() == null ? "" : r.pass() ? "ok" : "**FAIL**";
            b.append("| ")
                    .append(r.check())
                    .append(" | ")
                    .append(r.target())
                    .append(" | ")
                    .append(r.actual().replace("|", "/"))
                    .append(" | ")
                    .append(verdict)
                    .append(" |\n");
        }
        b.append("\n| fault | signal → ready (s) | signal → working (s) | |\n|---|---|---|---|\n");
        for (FaultRun.Recovery r : run.recoveries) {
            String flag = !r.recovered()
                    ? "**not working within the bound**"
                    : r.toWork() - r.toReady() > 10
                            ? "ready " + String.format(Locale.ROOT, "%.0f", r.toWork() - r.toReady())
                                    + " s before working"
                            : "";
            b.append("| ")
                    .append(r.graceful() ? "SIGTERM " : "SIGKILL ")
                    .append(r.target())
                    .append(" #")
                    .append(r.round())
                    .append(" | ")
                    .append(fmt(r.toReady()))
                    .append(" | ")
                    .append(fmt(r.toWork()))
                    .append(" | ")
                    .append(flag)
                    .append(" |\n");
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }

    private static String fmt(double s) {
        return Double.isNaN(s) ? "—" : String.format(Locale.ROOT, "%.1f", s);
    }
}
