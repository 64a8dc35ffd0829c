package io.inferbroker.replay.internal;

import io.inferbroker.replay.CostRow;
import io.inferbroker.replay.Percentiles;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Running totals of one report group: counts, sums and two mergeable histograms (microseconds,
 * three significant digits). Constant size whatever the number of jobs. Not thread-safe.
 */
final class GroupStats {
    private long jobs;
    private long succeeded;
    private long failed;
    private long expired;
    private long canceled;
    private long rejected;
    private long promptTokens;
    private long completionTokens;
    private long gpuNanos;
    private BigDecimal cost = BigDecimal.ZERO;
    private @Nullable BigDecimal repriced;
    private final Histogram latency = new Histogram(3);
    private final Histogram ttft = new Histogram(3);

    void add(JobUse use, @Nullable BigDecimal repricedCost) {
        jobs++;
        switch (use.result().status()) {
            case SUCCEEDED -> succeeded++;
            case FAILED -> failed++;
            case EXPIRED -> expired++;
            case CANCELED -> canceled++;
            case REJECTED -> rejected++;
            default -> {
                // A result always has a terminal status (JobResult checks it).
            }
        }
        if (use.result().usage() != null) {
            promptTokens += use.result().usage().promptTokens();
            completionTokens += use.result().usage().completionTokens();
        }
        gpuNanos += use.gpuTime().toNanos();
        cost = cost.add(use.recordedCost());
        if (repricedCost != null) {
            repriced = repriced == null ? repricedCost : repriced.add(repricedCost);
        }
        latency.recordValue(micros(use.latency()));
        if (use.ttft() != null) {
            ttft.recordValue(micros(use.ttft()));
        }
    }

    void merge(GroupStats o) {
        jobs += o.jobs;
        succeeded += o.succeeded;
        failed += o.failed;
        expired += o.expired;
        canceled += o.canceled;
        rejected += o.rejected;
        promptTokens += o.promptTokens;
        completionTokens += o.completionTokens;
        gpuNanos += o.gpuNanos;
        cost = cost.add(o.cost);
        if (o.repriced != null) {
            repriced = repriced == null ? o.repriced : repriced.add(o.repriced);
        }
        latency.add(o.latency);
        ttft.add(o.ttft);
    }

    CostRow row(List<String> key, boolean repricing) {
        Optional<BigDecimal> rep =
                repricing ? Optional.of(repriced == null ? BigDecimal.ZERO : repriced) : Optional.empty();
        return new CostRow(
                key,
                jobs,
                succeeded,
                failed,
                expired,
                canceled,
                rejected,
                promptTokens,
                completionTokens,
                Rating.seconds(Duration.ofNanos(gpuNanos)),
                cost,
                rep,
                percentiles(latency),
                percentiles(ttft));
    }

    private static Percentiles percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return Percentiles.NONE;
        }
        return new Percentiles(
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(95) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
    }

    private static long micros(Duration d) {
        return Math.max(0, d.toNanos() / 1000);
    }
}
