package io.inferbroker.replay.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.replay.CostReport;
import io.inferbroker.replay.CostRow;
import io.inferbroker.replay.Percentiles;
import io.inferbroker.replay.ReportFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes a cost report as a table, CSV, JSON or a self-contained HTML page. */
public final class CostWriter {
    private CostWriter() {}

    public static void write(CostReport report, ReportFormat format, Appendable out) {
        try {
            String text = switch (format) {
                case TABLE -> table(report);
                case CSV -> csv(report);
                case JSON -> Views.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(report)) + "\n";
                case HTML -> CostHtml.page(report);
            };
            out.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String table(CostReport report) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("Cost report ")
                .append(report.range().from().toString())
                .append(" .. ")
                .append(report.range().to().toString())
                .append(report.currency().isEmpty() ? "" : " (" + report.currency() + ")")
                .append('\n');
        TextTable t = new TextTable(CostColumns.header(report));
        for (CostRow row : report.rows()) {
            t.add(CostColumns.cells(report, row, ""));
        }
        if (!report.groupBy().isEmpty()) {
            t.add(CostColumns.cells(report, report.total(), "TOTAL"));
        } else if (report.rows().isEmpty()) {
            t.add(CostColumns.cells(report, report.total(), ""));
        }
        t.write(out);
        SkippedLines.text(report.skipped(), out);
        return out.toString();
    }

    /**
     * RFC 4180 (CRLF, quoted where a cell needs it). The key columns hold names a client chose, so a
     * key cell that a spreadsheet would run as a formula gets a leading {@code '} (OWASP CSV injection);
     * the figure columns are numbers and are written as they are, negative costs too.
     */
    private static String csv(CostReport report) throws IOException {
        StringBuilder out = new StringBuilder();
        int keyColumns = report.keyNames().size();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180)) {
            printer.printRecord(CostColumns.header(report));
            for (CostRow row : report.rows()) {
                List<String> cells = CostColumns.cells(report, row, "");
                for (int i = 0; i < cells.size(); i++) {
                    printer.print(i < keyColumns ? inertText(cells.get(i)) : cells.get(i));
                }
                printer.println();
            }
        }
        return out.toString();
    }

    /**
     * {@code text} with a leading {@code '} when it starts with {@code = + - @}, a tab or a CR, which a
     * spreadsheet may run as a formula; a lone {@code -} (the report's "no worker") is left as it is.
     */
    static String inertText(String text) {
        if (text.isEmpty() || text.equals("-")) {
            return text;
        }
        return switch (text.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + text;
            default -> text;
        };
    }

    static ObjectNode json(CostReport report) {
        ObjectNode root = Views.mapper().createObjectNode();
        root.put("from", report.range().from().toString());
        root.put("to", report.range().to().toString());
        ArrayNode groupBy = root.putArray("group_by");
        report.keyNames().forEach(groupBy::add);
        root.put("currency", report.currency());
        root.put("repriced", report.repriced());
        root.put("records_read", report.recordsRead());
        SkippedLines.json(report.skipped(), root);
        ArrayNode rows = root.putArray("rows");
        report.rows().forEach(r -> rows.add(row(report, r)));
        root.set("total", row(report, report.total()));
        ObjectNode byDay = root.putObject("cost_by_day_and_model");
        report.costByDayAndModel().forEach((day, models) -> {
            ObjectNode d = byDay.putObject(day);
            models.forEach(d::put);
        });
        ObjectNode tokens = root.putObject("tokens_by_tenant");
        report.tokensByTenant().forEach(tokens::put);
        return root;
    }

    private static ObjectNode row(CostReport report, CostRow r) {
        ObjectNode n = Views.mapper().createObjectNode();
        if (!r.key().isEmpty()) {
            ObjectNode key = n.putObject("key");
            for (int i = 0; i < r.key().size(); i++) {
                key.put(report.keyNames().get(i), r.key().get(i));
            }
        }
        n.put("jobs", r.jobs());
        n.put("succeeded", r.succeeded());
        n.put("failed", r.failed());
        n.put("expired", r.expired());
        n.put("canceled", r.canceled());
        n.put("rejected", r.rejected());
        n.put("prompt_tokens", r.promptTokens());
        n.put("completion_tokens", r.completionTokens());
        n.put("gpu_seconds", r.gpuSeconds());
        n.put("cost", r.cost());
        r.repriced().ifPresent(v -> n.put("repriced_cost", v));
        r.difference().ifPresent(v -> n.put("difference", v));
        n.set("latency_ms", percentiles(r.latency()));
        n.set("ttft_ms", percentiles(r.ttft()));
        n.put("failure_rate", r.failureRate());
        n.put("expiry_rate", r.expiryRate());
        return n;
    }

    private static ObjectNode percentiles(Percentiles p) {
        ObjectNode n = Views.mapper().createObjectNode();
        n.put("count", p.count());
        n.put("p50", p.p50());
        n.put("p95", p.p95());
        n.put("p99", p.p99());
        n.put("max", p.max());
        return n;
    }
}
