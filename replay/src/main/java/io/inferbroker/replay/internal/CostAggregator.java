package io.inferbroker.replay.internal;

import io.inferbroker.replay.CostReport;
import io.inferbroker.replay.CostRow;
import io.inferbroker.replay.GroupBy;
import io.inferbroker.replay.PriceTable;
import io.inferbroker.replay.ReplayException;
import io.inferbroker.replay.ReplayRange;
import io.inferbroker.replay.SkippedRecords;
import io.inferbroker.schemas.Price;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Folds results into report groups as they stream by. Memory grows with the number of groups
 * (tenants x models x ...), never with the number of jobs. Not thread-safe.
 */
public final class CostAggregator {
    private final List<GroupBy> groupBy;
    private final Optional<PriceTable> prices;
    private final Map<List<String>, GroupStats> groups = new HashMap<>();
    private final SortedMap<String, SortedMap<String, BigDecimal>> costByDayAndModel = new TreeMap<>();
    private final SortedMap<String, Long> tokensByTenant = new TreeMap<>();
    private @Nullable String currency;
    private long lastEpochDay = Long.MIN_VALUE;
    private String lastDay = "";

    public CostAggregator(List<GroupBy> groupBy, Optional<PriceTable> prices) {
        this.groupBy = List.copyOf(groupBy);
        this.prices = prices;
    }

    public void add(JobUse use) {
        Views.ResultView r = use.result();
        BigDecimal repriced = prices.map(table -> reprice(table, use)).orElse(null);
        groups.computeIfAbsent(key(r), k -> new GroupStats()).add(use, repriced);
        String day = cachedDay(r.timings().completedAt());
        costByDayAndModel
                .computeIfAbsent(day, d -> new TreeMap<>())
                .merge(r.model(), use.recordedCost(), BigDecimal::add);
        if (r.usage() != null) {
            tokensByTenant.merge(r.tenantId(), (long) r.usage().totalTokens(), Long::sum);
        }
        if (currency == null && r.cost() != null) {
            currency = r.cost().currency();
        }
    }

    private static BigDecimal reprice(PriceTable table, JobUse use) {
        Views.ResultView r = use.result();
        Price p = table.priceFor(r.model(), r.workerId())
                .orElseThrow(() -> new ReplayException("the price file has no price for model " + r.model()
                        + " (worker " + r.workerId() + ") and no default"));
        return Rating.cost(p, r.usage(), use.gpuTime());
    }

    private List<String> key(Views.ResultView r) {
        List<String> key = new ArrayList<>(groupBy.size());
        for (GroupBy g : groupBy) {
            key.add(
                    switch (g) {
                        case TENANT -> r.tenantId();
                        case MODEL -> r.model();
                        case WORKER -> r.workerId() == null ? "-" : r.workerId();
                        case DAY -> cachedDay(r.timings().completedAt());
                        case HOUR ->
                            r.timings()
                                    .completedAt()
                                    .truncatedTo(ChronoUnit.HOURS)
                                    .atOffset(ZoneOffset.UTC)
                                    .toString();
                    });
        }
        return key;
    }

    /** The UTC day of {@code at}; results stream by in time order, so the last day is nearly always it. */
    private String cachedDay(Instant at) {
        long epochDay = Math.floorDiv(at.getEpochSecond(), 86_400L);
        if (epochDay != lastEpochDay) {
            lastEpochDay = epochDay;
            lastDay = java.time.LocalDate.ofEpochDay(epochDay).toString();
        }
        return lastDay;
    }

    public CostReport report(ReplayRange range, long recordsRead, SkippedRecords skipped) {
        List<List<String>> keys = new ArrayList<>(groups.keySet());
        keys.sort(CostAggregator::compareKeys);
        List<CostRow> rows = new ArrayList<>();
        GroupStats total = new GroupStats();
        boolean repricing = prices.isPresent();
        for (List<String> k : keys) {
            GroupStats g = groups.get(k);
            rows.add(g.row(k, repricing));
            total.merge(g);
        }
        String cur =
                currency != null ? currency : prices.map(PriceTable::currency).orElse("");
        return new CostReport(
                range,
                groupBy,
                cur,
                repricing,
                rows,
                total.row(List.of(), repricing),
                costByDayAndModel,
                tokensByTenant,
                recordsRead,
                skipped);
    }

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
