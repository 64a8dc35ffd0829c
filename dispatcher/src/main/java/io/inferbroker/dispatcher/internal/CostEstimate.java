package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.WorkerCandidate;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.WorkerStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * What admission reserves for a job: its input tokens counted ({@link TokenCount}), its
 * {@code max_tokens} (or the configured default) as output, priced at the model's configured
 * estimate price, else at the cheapest usable worker serving the model (its token prices and GPU
 * seconds at its measured speed). With no price and no usable worker the estimate is zero and only
 * the settlement counts. Reads only local state.
 */
final class CostEstimate {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final int SCALE = 9;

    private final DispatcherConfig config;
    private final WorkerDirectory workers;

    CostEstimate(DispatcherConfig config, WorkerDirectory workers) {
        this.config = config;
        this.workers = workers;
    }

    BigDecimal of(JobRequested job, Instant now) {
        long in = TokenCount.input(job.input());
        long out = TokenCount.output(job.input(), config.defaultMaxTokens());
        Price configured = config.routingFor(job.model()).estimatePrice();
        if (configured != null) {
            return tokens(configured, in, out);
        }
        WorkerStatus cheapest = null;
        double best = Double.MAX_VALUE;
        for (WorkerStatus s : workers.usableFor(job.model(), now)) {
            double cost = new WorkerCandidate(s, 0).jobCost(in, out);
            if (cost < best) {
                best = cost;
                cheapest = s;
            }
        }
        if (cheapest == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal gpu = cheapest.tokensPerSecond() > 0
                ? cheapest.price()
                        .perGpuSecond()
                        .multiply(BigDecimal.valueOf(new WorkerCandidate(cheapest, 0).expectedMillis(out) / 1000.0))
                : BigDecimal.ZERO;
        return tokens(cheapest.price(), in, out).add(gpu).setScale(SCALE, RoundingMode.CEILING);
    }

    private static BigDecimal tokens(Price price, long in, long out) {
        return price.inputPerMillion()
                .multiply(BigDecimal.valueOf(in))
                .add(price.outputPerMillion().multiply(BigDecimal.valueOf(out)))
                .divide(MILLION, SCALE, RoundingMode.CEILING);
    }
}
