package io.inferbroker.replay.internal;

import io.inferbroker.replay.CostReport;
import io.inferbroker.replay.CostRow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * A cost report as one HTML page: the table plus three charts drawn as inline SVG (cost per day by
 * model, latency percentiles per group, tokens per tenant). No script and nothing fetched: it opens
 * offline.
 */
final class CostHtml {
    private static final String[] COLORS = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
    };
    private static final int MAX_BARS = 24;
    private static final int W = 760;
    private static final int H = 260;
    private static final int LEFT = 70;
    private static final int BOTTOM = 40;

    private CostHtml() {}

    static String page(CostReport report) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cost report</title>\n<style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}svg{display:block;margin:1em 0}")
                .append("text{font:11px system-ui,sans-serif}.legend span{display:inline-block;margin-right:1em}")
                .append("</style></head><body>\n");
        b.append("<h1>Cost report</h1>\n<p>")
                .append(esc(report.range().from() + " .. " + report.range().to()))
                .append(report.currency().isEmpty() ? "" : ", amounts in " + esc(report.currency()))
                .append(", ")
                .append(report.total().jobs())
                .append(" jobs, ")
                .append(report.recordsRead())
                .append(" records read")
                .append(
                        report.skipped().count() == 0
                                ? ""
                                : ", " + report.skipped().count() + " that could not be read skipped (first: "
                                        + esc(String.join("; ", report.skipped().first())) + ")")
                .append(".</p>\n");
        table(report, b);
        b.append("<h2>Cost per day by model</h2>\n");
        costPerDay(report.costByDayAndModel(), b);
        b.append("<h2>Latency percentiles (ms)</h2>\n");
        latency(report, b);
        b.append("<h2>Tokens per tenant</h2>\n");
        tokens(report.tokensByTenant(), b);
        return b.append("</body></html>\n").toString();
    }

    private static void table(CostReport report, StringBuilder b) {
        b.append("<table>\n<tr>");
        CostColumns.header(report).forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
        b.append("</tr>\n");
        List<CostRow> rows = new ArrayList<>(report.rows());
        if (!report.groupBy().isEmpty()) {
            rows.add(report.total());
        }
        for (CostRow row : rows) {
            b.append("<tr>");
            CostColumns.cells(report, row, "TOTAL")
                    .forEach(c -> b.append("<td>").append(esc(c)).append("</td>"));
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    private static void costPerDay(SortedMap<String, SortedMap<String, BigDecimal>> data, StringBuilder b) {
        if (data.isEmpty()) {
            b.append("<p>No results in the range.</p>\n");
            return;
        }
        List<String> models = new ArrayList<>(new TreeSet<>(
                data.values().stream().flatMap(m -> m.keySet().stream()).toList()));
        List<String> days = new ArrayList<>(data.keySet());
        double max = data.values().stream()
                .mapToDouble(m ->
                        m.values().stream().mapToDouble(BigDecimal::doubleValue).sum())
                .max()
                .orElse(0);
        svgStart(b, max);
        double slot = (double) (W - LEFT - 10) / days.size();
        for (int d = 0; d < days.size(); d++) {
            double x = LEFT + d * slot + slot * 0.15;
            double y = H - BOTTOM;
            for (Map.Entry<String, BigDecimal> e : data.get(days.get(d)).entrySet()) {
                double h = scale(e.getValue().doubleValue(), max);
                y -= h;
                rect(b, x, y, slot * 0.7, h, color(models.indexOf(e.getKey())), e.getKey() + ": " + e.getValue());
            }
            label(b, x + slot * 0.35, H - BOTTOM + 14, days.get(d));
        }
        b.append("</svg>\n");
        legend(b, models);
    }

    private static void latency(CostReport report, StringBuilder b) {
        List<CostRow> rows = report.rows().isEmpty() ? List.of() : report.rows();
        if (rows.isEmpty()) {
            b.append("<p>No results in the range.</p>\n");
            return;
        }
        rows = rows.subList(0, Math.min(MAX_BARS, rows.size()));
        double max = rows.stream().mapToDouble(r -> r.latency().p99()).max().orElse(0);
        svgStart(b, max);
        double slot = (double) (W - LEFT - 10) / rows.size();
        for (int i = 0; i < rows.size(); i++) {
            CostRow r = rows.get(i);
            double[] values = {r.latency().p50(), r.latency().p95(), r.latency().p99()};
            String[] names = {"p50", "p95", "p99"};
            for (int k = 0; k < 3; k++) {
                double h = scale(values[k], max);
                double x = LEFT + i * slot + slot * (0.1 + 0.27 * k);
                rect(b, x, H - BOTTOM - h, slot * 0.25, h, color(k), names[k] + ": " + CostColumns.ms(values[k]));
            }
            String name = r.key().isEmpty() ? "all" : String.join(" / ", r.key());
            label(b, LEFT + i * slot + slot / 2, H - BOTTOM + 14, name);
        }
        b.append("</svg>\n");
        legend(b, List.of("p50", "p95", "p99"));
    }

    private static void tokens(SortedMap<String, Long> byTenant, StringBuilder b) {
        if (byTenant.isEmpty()) {
            b.append("<p>No token usage in the range.</p>\n");
            return;
        }
        List<Map.Entry<String, Long>> top = byTenant.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(MAX_BARS)
                .toList();
        long max = top.getFirst().getValue();
        int rowH = 20;
        int height = top.size() * rowH + 10;
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(height)
                .append("\">\n");
        int labelW = 160;
        for (int i = 0; i < top.size(); i++) {
            Map.Entry<String, Long> e = top.get(i);
            double w = max == 0 ? 0 : (double) e.getValue() / max * (W - labelW - 90);
            int y = 5 + i * rowH;
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    labelW - 6,
                    y + 14,
                    esc(e.getKey())));
            rect(b, labelW, y + 2, w, rowH - 6, color(0), e.getKey() + ": " + e.getValue());
            b.append(String.format(
                    Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%d</text>\n", labelW + w + 4, y + 14, e.getValue()));
        }
        b.append("</svg>\n");
    }

    private static void svgStart(StringBuilder b, double max) {
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\">\n");
        b.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>"
                        + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n",
                LEFT,
                LEFT,
                H - BOTTOM,
                LEFT,
                H - BOTTOM,
                W - 10,
                H - BOTTOM));
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            double y = H - BOTTOM - scale(v, max);
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    LEFT - 4,
                    y + 4,
                    tick(v)));
        }
    }

    private static double scale(double v, double max) {
        return max <= 0 ? 0 : v / max * (H - BOTTOM - 20);
    }

    private static String tick(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4g", v);
    }

    private static void rect(StringBuilder b, double x, double y, double w, double h, String fill, String title) {
        b.append(String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>\n",
                x,
                y,
                w,
                h,
                fill,
                esc(title)));
    }

    private static void label(StringBuilder b, double x, double y, String text) {
        b.append(String.format(
                Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, y, esc(text)));
    }

    private static void legend(StringBuilder b, List<String> names) {
        b.append("<p class=\"legend\">");
        for (int i = 0; i < names.size(); i++) {
            b.append("<span><svg width=\"10\" height=\"10\" style=\"display:inline;margin:0\"><rect width=\"10\""
                            + " height=\"10\" fill=\"")
                    .append(color(i))
                    .append("\"/></svg> ")
                    .append(esc(names.get(i)))
                    .append("</span>");
        }
        b.append("</p>\n");
    }

    private static String color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
