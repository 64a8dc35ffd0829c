package io.inferbroker.replay;

import static io.inferbroker.replay.EventFeed.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.Topic;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(InfraExtension.class)
class CostReportIT {
    private static final ReplayRange ALL = new ReplayRange(at(0), at(4));

    private EventFeed feed;
    private Replay replay;

    @BeforeEach
    void start(KafkaInfra kafka) {
        feed = new EventFeed(kafka);
        feed.standardSet();
        replay = new Replay(new ReplaySource(kafka.bootstrapServers(), kafka.topics()), ReplayProgress.QUIET);
    }

    @AfterEach
    void stop() {
        feed.close();
    }

    @Test
    void shouldTotalUsageCostAndGpuTimeExactlyByModel() {
        CostReport report = replay.cost(ALL, ReplayFilter.all(), List.of(GroupBy.MODEL), Optional.empty());

        assertThat(report.currency()).isEqualTo("USD");
        CostRow m1 = report.rowsByKey().get(List.of("m1"));
        assertThat(m1.jobs()).isEqualTo(3);
        assertThat(m1.succeeded()).isEqualTo(1);
        assertThat(m1.failed()).isEqualTo(1);
        assertThat(m1.expired()).isEqualTo(1);
        assertThat(m1.promptTokens()).isEqualTo(1100);
        assertThat(m1.completionTokens()).isEqualTo(2000);
        assertThat(m1.gpuSeconds()).isEqualByComparingTo("3");
        assertThat(m1.cost()).isEqualByComparingTo("0.0081");
        assertThat(m1.failureRate()).isEqualTo(1.0 / 3);
        assertThat(m1.expiryRate()).isEqualTo(1.0 / 3);
        assertThat(m1.repriced()).isEmpty();
        CostRow m2 = report.rowsByKey().get(List.of("m2"));
        assertThat(m2.jobs()).isEqualTo(1);
        assertThat(m2.gpuSeconds()).isEqualByComparingTo("2");
        assertThat(report.total().jobs()).isEqualTo(4);
        assertThat(report.total().cost()).isEqualByComparingTo("0.00885");
        assertThat(report.total().gpuSeconds()).isEqualByComparingTo("5");
        // Latency: accepted at T0, completed 5, 3, 4 and 7 s later; ttft of the jobs with tokens: 2, 2, 3 s.
        assertThat(report.total().latency().count()).isEqualTo(4);
        assertThat(report.total().latency().p50()).isBetween(3995.0, 4005.0);
        assertThat(report.total().latency().p99()).isBetween(6990.0, 7010.0);
        assertThat(report.total().ttft().count()).isEqualTo(3);
        assertThat(report.tokensByTenant()).containsEntry("A", 4000L).containsEntry("B", 100L);
        assertThat(report.costByDayAndModel().values().iterator().next().get("m1"))
                .isEqualByComparingTo("0.0081");
    }

    @Test
    void shouldRerateTheSameUsageUnderAnotherPriceTable(@TempDir Path dir) throws Exception {
        Path prices = dir.resolve("prices.yaml");
        Files.writeString(prices, """
                currency: USD
                default: {input_per_million: 1, output_per_million: 1, per_gpu_second: 0.01}
                models:
                  m1: {input_per_million: 2, output_per_million: 4}
                """);

        CostReport report =
                replay.cost(ALL, ReplayFilter.all(), List.of(GroupBy.TENANT), Optional.of(PriceTable.read(prices)));

        // j1 0.002 + 0.008; j2 0.0002; j3 under the default 0.0005 + 0.0005 + 2 s x 0.01; j4 nothing
        assertThat(report.repriced()).isTrue();
        assertThat(report.total().repriced())
                .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.0312"));
        assertThat(report.total().difference())
                .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.02235"));
        CostRow a = report.rowsByKey().get(List.of("A"));
        assertThat(a.cost()).isEqualByComparingTo("0.00775");
        assertThat(a.repriced()).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.031"));
    }

    @Test
    void shouldFilterByTenantWorkerAndJob() {
        CostReport byTenant = replay.cost(
                ALL,
                new ReplayFilter(Optional.of("B"), Optional.empty(), Optional.empty(), Set.of()),
                List.of(),
                Optional.empty());
        CostReport byWorker = replay.cost(
                ALL,
                new ReplayFilter(Optional.empty(), Optional.empty(), Optional.of("w2"), Set.of()),
                List.of(),
                Optional.empty());
        CostReport byJob = replay.cost(
                ALL,
                new ReplayFilter(Optional.empty(), Optional.empty(), Optional.empty(), Set.of("j1", "j4")),
                List.of(),
                Optional.empty());

        assertThat(byTenant.total().jobs()).isEqualTo(2);
        assertThat(byTenant.total().cost()).isEqualByComparingTo("0.0011");
        assertThat(byWorker.total().jobs()).isEqualTo(1);
        assertThat(byWorker.total().cost()).isEqualByComparingTo("0.00075");
        assertThat(byJob.total().jobs()).isEqualTo(2);
        assertThat(byJob.total().cost()).isEqualByComparingTo("0.007");
    }

    @Test
    void shouldIncludeTheFromEdgeAndExcludeTheToEdge() {
        CostReport firstHour =
                replay.cost(new ReplayRange(at(1), at(2)), ReplayFilter.all(), List.of(), Optional.empty());
        CostReport secondHour =
                replay.cost(new ReplayRange(at(2), at(3)), ReplayFilter.all(), List.of(), Optional.empty());
        CostReport justAfter = replay.cost(
                new ReplayRange(at(2).plusMillis(1), at(3).plusMillis(1)),
                ReplayFilter.all(),
                List.of(),
                Optional.empty());

        assertThat(firstHour.total().jobs()).isEqualTo(2);
        assertThat(firstHour.total().cost()).isEqualByComparingTo("0.0081");
        assertThat(secondHour.total().jobs()).isEqualTo(1);
        assertThat(secondHour.total().cost()).isEqualByComparingTo("0.00075");
        assertThat(justAfter.total().jobs()).isEqualTo(1);
        assertThat(justAfter.total().promptTokens()).isZero();
    }

    @Test
    void shouldReportNothingForAnEmptyRangeOrARangeWithoutRecords() {
        CostReport empty = replay.cost(
                new ReplayRange(at(2), at(2)), ReplayFilter.all(), List.of(GroupBy.MODEL), Optional.empty());
        CostReport later = replay.cost(
                new ReplayRange(at(5), at(6)), ReplayFilter.all(), List.of(GroupBy.MODEL), Optional.empty());

        assertThat(empty.rows()).isEmpty();
        assertThat(empty.total().jobs()).isZero();
        assertThat(empty.total().cost()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(later.rows()).isEmpty();
        assertThat(later.recordsRead()).isZero();
    }

    @Test
    void shouldGoPastAResultThatCannotBeReadAndNameIt() {
        feed.send(Topic.RESULTS, "bad", "not json".getBytes(StandardCharsets.UTF_8), at(1));

        CostReport report = replay.cost(ALL, ReplayFilter.all(), List.of(GroupBy.MODEL), Optional.empty());

        assertThat(report.total().jobs()).as("every readable result counted").isEqualTo(4);
        assertThat(report.skipped().count()).isEqualTo(1);
        assertThat(report.skipped().first().getFirst()).contains("@").contains("cannot read the result");
        StringBuilder table = new StringBuilder();
        ReportWriters.cost(report, ReportFormat.TABLE, table);
        assertThat(table.toString()).contains("1 record could not be read and was skipped");
    }

    @Test
    void shouldWriteEveryFormat() {
        CostReport report = replay.cost(ALL, ReplayFilter.all(), List.of(GroupBy.MODEL, GroupBy.DAY), Optional.empty());

        StringBuilder csv = new StringBuilder();
        ReportWriters.cost(report, ReportFormat.CSV, csv);
        StringBuilder html = new StringBuilder();
        ReportWriters.cost(report, ReportFormat.HTML, html);
        StringBuilder json = new StringBuilder();
        ReportWriters.cost(report, ReportFormat.JSON, json);
        StringBuilder table = new StringBuilder();
        ReportWriters.cost(report, ReportFormat.TABLE, table);

        assertThat(csv.toString().lines().toList()).hasSize(3);
        assertThat(csv.toString()).startsWith("model,day,jobs,").contains(",0.0081,");
        assertThat(html.toString())
                .contains("<svg", "Cost per day by model", "m1")
                .doesNotContain("<script", "src=", "href=", "<link");
        assertThat(json.toString()).contains("\"cost\" : 0.00885", "\"group_by\" : [ \"model\", \"day\" ]");
        assertThat(table.toString()).contains("TOTAL").contains("0.00885");
    }

    @Test
    void shouldRefuseAPriceTableWithoutThePriceAJobNeeds(@TempDir Path dir) throws Exception {
        Path prices = dir.resolve("prices.json");
        Files.writeString(prices, "{\"currency\":\"USD\",\"models\":{\"m1\":{\"input_per_million\":1}}}");
        PriceTable table = PriceTable.read(prices);

        assertThatThrownBy(() -> replay.cost(ALL, ReplayFilter.all(), List.of(), Optional.of(table)))
                .isInstanceOf(ReplayException.class)
                .hasMessageContaining("model m2");
    }
}
