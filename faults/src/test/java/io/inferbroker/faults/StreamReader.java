package io.inferbroker.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads one job's token stream to its end like a careful client: every connection that ends without
 * {@code done} or {@code error} is resumed with {@code Last-Event-ID} (on the next ingress), and every
 * token is checked to follow the one before it, so that a gap or a duplicate shows. Some streams are
 * cut on purpose after their first token. One instance per job; steps run one at a time.
 */
final class StreamReader {
    /** How a stream ended. */
    enum Verdict {
        EXACT,
        INEXACT,
        NOT_SUCCEEDED
    }

    private final Api api;
    private final List<String> bases;
    private final String jobId;
    private final Ledger ledger;
    private boolean cutOnPurpose;
    private int attempt = 1;
    private long nextSeq = 1;
    private final StringBuilder text = new StringBuilder();
    private Optional<String> lastId = Optional.empty();
    private String fault = "";

    StreamReader(Api api, List<String> bases, String jobId, Ledger ledger, boolean cutOnPurpose) {
        this.api = api;
        this.bases = bases;
        this.jobId = jobId;
        this.ledger = ledger;
        this.cutOnPurpose = cutOnPurpose;
    }

    Retry.Outcome<Verdict> step(int connection) throws Exception {
        if (connection > 1) {
            ledger.streamResumes.incrementAndGet();
        }
        String base = bases.get(connection % bases.size());
        HttpResponse<Stream<String>> response = api.stream(base + "/v1/jobs/" + jobId + "/stream", lastId);
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                return new Retry.Outcome.Again<>(Duration.ofMillis(response.statusCode() == 404 ? 1000 : 500));
            }
            return read(lines.iterator());
        }
    }

    private Retry.Outcome<Verdict> read(Iterator<String> lines) {
        String event = "";
        String id = "";
        StringBuilder data = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                Optional<Retry.Outcome<Verdict>> end = dispatch(event, id, data.toString());
                if (end.isPresent()) {
                    return end.get();
                }
                event = "";
                id = "";
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        }
        return new Retry.Outcome.Again<>(Duration.ofMillis(200)); // cut: resume
    }

    private Optional<Retry.Outcome<Verdict>> dispatch(String event, String id, String data) {
        switch (event) {
            case "token" -> {
                token(id, Api.parse(data).path("text").asText(""));
                if (cutOnPurpose) {
                    cutOnPurpose = false;
                    return Optional.of(new Retry.Outcome.Again<>(Duration.ZERO));
                }
            }
            case "status" -> {
                JsonNode s = Api.parse(data);
                if (s.path("tokens_reset").asBoolean(false)) {
                    attempt = s.path("attempt").asInt(attempt + 1);
                    nextSeq = 1;
                    text.setLength(0);
                }
            }
            case "done" -> {
                return Optional.of(new Retry.Outcome.Done<>(done(Api.parse(data))));
            }
            case "error" -> {
                return Optional.of(new Retry.Outcome.Again<>(Duration.ofMillis(500)));
            }
            default -> {
                // comments, retry hints
            }
        }
        return Optional.empty();
    }

    private void token(String id, String tokenText) {
        int dot = id.indexOf('.');
        int a = dot < 0 ? 1 : Integer.parseInt(id.substring(0, dot));
        long seq = Long.parseLong(dot < 0 ? id : id.substring(dot + 1));
        if (a != attempt) {
            fault("token " + id + " of attempt " + a + " while reading attempt " + attempt + " without a reset");
            attempt = a;
            nextSeq = seq;
            text.setLength(0);
        }
        if (seq != nextSeq) {
            fault((seq < nextSeq ? "duplicate" : "gap") + ": token " + id + " where " + nextSeq + " was due");
        }
        nextSeq = seq + 1;
        text.append(tokenText);
        lastId = Optional.of(id);
    }

    private Verdict done(JsonNode job) {
        if (!"succeeded".equals(job.path("status").asText())) {
            return Verdict.NOT_SUCCEEDED;
        }
        String output = job.path("output").path("text").asText("");
        if (!output.contentEquals(text)) {
            fault("streamed text '" + text + "' is not the output '" + output + "'");
        }
        return fault.isEmpty() ? Verdict.EXACT : Verdict.INEXACT;
    }

    private void fault(String what) {
        if (fault.isEmpty()) {
            fault = what;
            ledger.streamFault(jobId, what);
        }
    }
}
