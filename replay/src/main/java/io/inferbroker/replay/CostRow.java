package io.inferbroker.replay;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * One group of a cost report. Every terminal result read counts as one job (a job that ran twice
 * after a failover counts twice: both attempts used the GPU).
 *
 * @param key the group's value for each dimension of the report, in order
 * @param gpuSeconds each job's run time divided by the size of its dispatch batch
 * @param cost the cost the results recorded
 * @param repriced the cost under the {@code --prices} table, when one was given
 * @param latency acceptance to completion
 * @param ttft acceptance to first token, of the jobs that produced one
 */
public record CostRow(
        List<String> key,
        long jobs,
        long succeeded,
        long failed,
        long expired,
        long canceled,
        long rejected,
        long promptTokens,
        long completionTokens,
        BigDecimal gpuSeconds,
        BigDecimal cost,
        Optional<BigDecimal> repriced,
        Percentiles latency,
        Percentiles ttft) {

    public CostRow {
        key = List.copyOf(key);
    }

    /** Failed jobs over all jobs, 0 to 1. */
    public double failureRate() {
        return jobs == 0 ? 0 : (double) failed / jobs;
    }

    /** Expired jobs over all jobs, 0 to 1. */
    public double expiryRate() {
        return jobs == 0 ? 0 : (double) expired / jobs;
    }

    /** Repriced minus recorded cost, when repriced. */
    public Optional<BigDecimal> difference() {
        return repriced.map(r -> r.subtract(cost));
    }

    /** GPU seconds rounded to milliseconds, for display. */
    public BigDecimal gpuSecondsRounded() {
        return gpuSeconds.setScale(3, RoundingMode.HALF_EVEN);
    }
}
