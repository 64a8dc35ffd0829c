package io.inferbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Where a synchronous request's time goes: for every n-th answered request, reads the job object
 * afterwards and splits its end-to-end time into the stages its timestamps mark (accepted,
 * dispatched, started, first token, completed, answered). Every stamp comes from this machine's
 * clock, so the stages of one job add up to its whole time.
 */
final class StageSampler {
    private static final String[] STAMPS = {"created_at", "dispatched_at", "started_at", "completed_at"};
    private static final String[] STAGES = {
        "accepted -> dispatched (ingress produce, Streams hops, batching)",
        "dispatched -> started (dispatch topic, worker poll)",
        "started -> completed (model)",
        "completed -> answered (results topic, ingress feed, HTTP write)"
    };

    private final int every;
    private final AtomicLong seen = new AtomicLong();
    private final List<Map.Entry<String, Instant>> samples = new ArrayList<>();

    StageSampler(int every) {
        this.every = every;
    }

    /** Notes that {@code jobId} was answered at {@code answeredAt}; keeps every n-th. */
    void sample(@Nullable String jobId, Instant answeredAt) {
        if (jobId != null && seen.incrementAndGet() % every == 0) {
            synchronized (samples) {
                samples.add(Map.entry(jobId, answeredAt));
            }
        }
    }

    /** Fetches the sampled jobs and prints p50/p99 per stage. */
    void report(String base, String key) throws InterruptedException {
        Map<String, Histogram> byStage = new LinkedHashMap<>();
        for (String stage : STAGES) {
            byStage.put(stage, new Histogram(3));
        }
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        List<Map.Entry<String, Instant>> copy;
        synchronized (samples) {
            copy = List.copyOf(samples);
        }
        int read = 0;
        for (Map.Entry<String, Instant> s : copy) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + s.getKey()))
                                .header("Authorization", "Bearer " + key)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && record(json.readTree(r.body()), s.getValue(), byStage)) {
                    read++;
                }
            } catch (java.io.IOException e) {
                // a sample that cannot be read is left out of the breakdown
            }
        }
        System.out.printf("  stage breakdown of %d sampled jobs (p50 / p99 ms):%n", read);
        byStage.forEach((stage, h) -> System.out.printf(
                "    %-68s %7.2f / %7.2f%n",
                stage, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0));
    }

    private static boolean record(JsonNode job, Instant answered, Map<String, Histogram> byStage) {
        Instant[] at = new Instant[STAMPS.length + 1];
        for (int i = 0; i < STAMPS.length; i++) {
            JsonNode v = job.get(STAMPS[i]);
            if (v == null || v.isNull()) {
                return false;
            }
            at[i] = Instant.parse(v.asText());
        }
        at[STAMPS.length] = answered;
        for (int i = 0; i < STAGES.length; i++) {
            long micros = Math.max(0, Duration.between(at[i], at[i + 1]).toNanos() / 1000);
            byStage.get(STAGES[i]).recordValue(micros);
        }
        return true;
    }
}
