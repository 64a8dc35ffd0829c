package io.inferbroker.bench;

import io.inferbroker.schemas.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the result store holds, read straight from its tables on a connection of the benchmark's own:
 * results stored in a time window (by {@code job_results.received_at}, the store's stamp when it
 * writes a batch, on its index), the jobs by status, and the stamps of sampled jobs.
 */
final class StoredJobs {
    private static final String[] STAGES = {
        "accepted -> dispatched (ingress produce, dispatcher queue, batching)",
        "dispatched -> started (dispatch topic, worker poll)",
        "started -> completed (model)",
        "completed -> stored (results topic, store poll, write stamp)",
        "completed -> answered (results topic, ingress feed, waiting GET)",
        "accepted -> stored",
        "accepted -> answered"
    };

    private StoredJobs() {}

    /**
     * Jobs whose first succeeded result the store wrote in {@code [from, to)}. Ask once the window is
     * over and its transactions committed.
     */
    static long succeededBetween(Connection c, Instant from, Instant to) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select count(distinct job_id) from job_results"
                + " where received_at >= ? and received_at < ? and status = ?")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            s.setString(3, JobStatus.SUCCEEDED.wireName());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every job the store holds, counted by status. */
    static Map<String, Long> byStatus(Connection c) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("select status, count(*) from jobs group by status");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /**
     * Splits the time of the sampled jobs by their stored stamps (created, dispatched, started,
     * completed, the store's write of the result) and the moment their submitter saw the answer, and
     * prints p50 / p99 per stage. Every stamp comes from this machine's clock.
     */
    static void printStages(Connection c, List<ResultWatch.Answer> answers) throws SQLException {
        Map<String, Instant> answeredAt = new HashMap<>();
        answers.forEach(a -> answeredAt.put(a.jobId(), a.answeredAt()));
        Map<String, Histogram> byStage = new LinkedHashMap<>();
        for (String stage : STAGES) {
            byStage.put(stage, new Histogram(3));
        }
        int read = 0;
        try (PreparedStatement s = c.prepareStatement(
                "select j.id, j.created_at, j.dispatched_at, j.started_at, j.completed_at, min(r.received_at)"
                        + " from jobs j join job_results r on r.job_id = j.id"
                        + " where j.id = any(?) group by j.id")) {
            s.setArray(1, c.createArrayOf("text", answeredAt.keySet().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant[] at = new Instant[6];
                    for (int i = 0; i < 5; i++) {
                        Timestamp t = rs.getTimestamp(i + 2);
                        at[i] = t == null ? null : t.toInstant();
                    }
                    at[5] = answeredAt.get(rs.getString(1));
                    if (record(at, byStage)) {
                        read++;
                    }
                }
            }
        }
        System.out.printf("  stage breakdown of %d sampled jobs (p50 / p99 ms):%n", read);
        byStage.forEach((stage, h) -> System.out.printf(
                "    %-68s %9.2f / %9.2f%n",
                stage, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0));
    }

    /** {@code at}: created, dispatched, started, completed, stored, answered. */
    private static boolean record(Instant[] at, Map<String, Histogram> byStage) {
        for (Instant i : at) {
            if (i == null) {
                return false;
            }
        }
        int[][] spans = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {3, 5}, {0, 4}, {0, 5}};
        for (int i = 0; i < spans.length; i++) {
            long micros = Math.max(
                    0, Duration.between(at[spans[i][0]], at[spans[i][1]]).toNanos() / 1000);
            byStage.get(STAGES[i]).recordValue(micros);
        }
        return true;
    }
}
