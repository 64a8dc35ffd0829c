package io.inferbroker.replay.internal;

import io.inferbroker.replay.CostReport;
import io.inferbroker.replay.CostRow;
import io.inferbroker.replay.Percentiles;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The columns of a cost report, shared by the table, CSV and HTML writers. */
final class CostColumns {
    private CostColumns() {}

    static List<String> header(CostReport report) {
        List<String> h = new ArrayList<>(report.keyNames());
        h.addAll(List.of(
                "jobs", "succeeded", "failed", "expired", "prompt_tokens", "completion_tokens", "gpu_seconds", "cost"));
        if (report.repriced()) {
            h.addAll(List.of("repriced_cost", "difference"));
        }
        h.addAll(List.of(
                "latency_p50_ms",
                "latency_p95_ms",
                "latency_p99_ms",
                "ttft_p50_ms",
                "ttft_p95_ms",
                "ttft_p99_ms",
                "failure_rate",
                "expiry_rate"));
        return h;
    }

    /** A row's cells; {@code label} fills the key columns of the total row. */
    static List<String> cells(CostReport report, CostRow row, String label) {
        List<String> c = new ArrayList<>();
        if (row.key().isEmpty()) {
            for (int i = 0; i < report.groupBy().size(); i++) {
                c.add(i == 0 ? label : "");
            }
        } else {
            c.addAll(row.key());
        }
        c.add(Long.toString(row.jobs()));
        c.add(Long.toString(row.succeeded()));
        c.add(Long.toString(row.failed()));
        c.add(Long.toString(row.expired()));
        c.add(Long.toString(row.promptTokens()));
        c.add(Long.toString(row.completionTokens()));
        c.add(row.gpuSecondsRounded().toPlainString());
        c.add(money(row.cost()));
        if (report.repriced()) {
            c.add(money(row.repriced().orElse(BigDecimal.ZERO)));
            c.add(money(row.difference().orElse(BigDecimal.ZERO)));
        }
        add(c, row.latency());
        add(c, row.ttft());
        c.add(fraction(row.failureRate()));
        c.add(fraction(row.expiryRate()));
        return c;
    }

    private static void add(List<String> c, Percentiles p) {
        c.add(ms(p.p50()));
        c.add(ms(p.p95()));
        c.add(ms(p.p99()));
    }

    static String money(BigDecimal amount) {
        BigDecimal s = amount.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String fraction(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
