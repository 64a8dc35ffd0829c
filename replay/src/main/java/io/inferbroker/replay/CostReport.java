package io.inferbroker.replay;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What a range of results cost, grouped as asked, with the series the HTML report charts.
 *
 * @param rows one per group, ordered by key
 * @param total all groups together
 * @param repriced true when a price table re-rated the usage ({@link CostRow#repriced()} present)
 * @param costByDayAndModel recorded cost per UTC day, then per model
 * @param tokensByTenant prompt plus completion tokens per tenant
 * @param recordsRead records read from every topic the report needed
 * @param skipped records that could not be read, left out of the figures
 */
public record CostReport(
        ReplayRange range,
        List<GroupBy> groupBy,
        String currency,
        boolean repriced,
        List<CostRow> rows,
        CostRow total,
        SortedMap<String, SortedMap<String, BigDecimal>> costByDayAndModel,
        SortedMap<String, Long> tokensByTenant,
        long recordsRead,
        SkippedRecords skipped) {

    public CostReport {
        groupBy = List.copyOf(groupBy);
        rows = List.copyOf(rows);
        costByDayAndModel = java.util.Collections.unmodifiableSortedMap(costByDayAndModel);
        tokensByTenant = java.util.Collections.unmodifiableSortedMap(tokensByTenant);
    }

    /** Column names of the grouping dimensions. */
    public List<String> keyNames() {
        return groupBy.stream().map(GroupBy::wireName).toList();
    }

    /** For tests and callers that look a group up by its key. */
    public Map<List<String>, CostRow> rowsByKey() {
        return rows.stream().collect(java.util.stream.Collectors.toMap(CostRow::key, r -> r));
    }
}
