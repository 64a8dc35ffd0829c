package io.inferbroker.replay.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.replay.AuditEntry;
import io.inferbroker.replay.AuditTrail;
import io.inferbroker.replay.Discrepancy;
import io.inferbroker.replay.Reconciliation;
import io.inferbroker.replay.ReportFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes audit trails (table or JSON lines) and reconciliations (table or JSON). */
public final class TrailWriter {
    private TrailWriter() {}

    public static void audit(AuditTrail trail, ReportFormat format, Appendable out) {
        try {
            switch (format) {
                case TABLE -> auditTable(trail, out);
                case JSON -> {
                    for (AuditEntry e : trail.entries()) {
                        out.append(Views.mapper().writeValueAsString(line(e))).append('\n');
                    }
                    if (trail.skipped().count() > 0) {
                        ObjectNode skipped = Views.mapper().createObjectNode().put("event", "records_skipped");
                        SkippedLines.json(trail.skipped(), skipped);
                        out.append(Views.mapper().writeValueAsString(skipped)).append('\n');
                    }
                }
                default ->
                    throw new IllegalArgumentException("an audit is written as table or json, not "
                            + format.name().toLowerCase(java.util.Locale.ROOT));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void auditTable(AuditTrail trail, Appendable out) throws IOException {
        TextTable t = new TextTable(List.of("at", "job", "event", "tenant", "worker", "attempt", "detail"));
        for (AuditEntry e : trail.entries()) {
            t.add(List.of(
                    e.at().toString(),
                    e.jobId(),
                    e.event().wireName(),
                    orDash(e.tenantId()),
                    orDash(e.workerId()),
                    e.attempt() == null ? "-" : e.attempt().toString(),
                    e.detail()));
        }
        t.write(out);
        out.append(Integer.toString(trail.jobs())).append(trail.jobs() == 1 ? " job" : " jobs");
        if (trail.truncated()) {
            out.append(" (more jobs matched: raise --limit or narrow the filter)");
        }
        out.append('\n');
        SkippedLines.text(trail.skipped(), out);
    }

    private static ObjectNode line(AuditEntry e) {
        ObjectNode n = Views.mapper().createObjectNode();
        n.put("at", e.at().toString());
        n.put("job_id", e.jobId());
        n.put("event", e.event().wireName());
        if (e.tenantId() != null) {
            n.put("tenant_id", e.tenantId());
        }
        if (e.workerId() != null) {
            n.put("worker_id", e.workerId());
        }
        if (e.attempt() != null) {
            n.put("attempt", e.attempt());
        }
        e.fields().forEach(n::put);
        n.put("source", e.source());
        return n;
    }

    public static void reconciliation(Reconciliation r, ReportFormat format, Appendable out) {
        try {
            switch (format) {
                case TABLE -> reconciliationTable(r, out);
                case JSON ->
                    out.append(Views.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(r)))
                            .append('\n');
                default ->
                    throw new IllegalArgumentException("a reconciliation is written as table or json, not "
                            + format.name().toLowerCase(java.util.Locale.ROOT));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void reconciliationTable(Reconciliation r, Appendable out) throws IOException {
        if (!r.clean()) {
            TextTable t = new TextTable(List.of("kind", "job", "tenant", "detail"));
            for (Discrepancy d : r.discrepancies()) {
                t.add(List.of(d.kind().wireName(), d.jobId(), d.tenantId(), d.detail()));
            }
            t.write(out);
        }
        out.append(Long.toString(r.jobsChecked()))
                .append(" jobs checked, ")
                .append(Integer.toString(r.discrepancies().size()))
                .append(r.discrepancies().size() == 1 ? " discrepancy" : " discrepancies")
                .append('\n');
        SkippedLines.text(r.skipped(), out);
    }

    private static ObjectNode json(Reconciliation r) throws JsonProcessingException {
        ObjectNode n = Views.mapper().createObjectNode();
        n.put("from", r.range().from().toString());
        n.put("to", r.range().to().toString());
        n.put("jobs_checked", r.jobsChecked());
        n.put("records_read", r.recordsRead());
        n.put("clean", r.clean());
        SkippedLines.json(r.skipped(), n);
        ArrayNode list = n.putArray("discrepancies");
        for (Discrepancy d : r.discrepancies()) {
            list.addObject()
                    .put("kind", d.kind().wireName())
                    .put("job_id", d.jobId())
                    .put("tenant_id", d.tenantId())
                    .put("detail", d.detail());
        }
        return n;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
