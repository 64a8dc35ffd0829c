package io.inferbroker.replay.internal;

import io.inferbroker.schemas.Timings;
import java.math.BigDecimal;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The resources one result used, derived from the result and the batch it ran in.
 *
 * @param gpuTime run time (start to completion) divided by the batch size
 * @param ttft acceptance to first token, or null when no token came
 */
public record JobUse(
        Views.ResultView result,
        Duration gpuTime,
        Duration latency,
        @Nullable Duration ttft,
        BigDecimal recordedCost) {

    public static JobUse of(Views.ResultView r, BatchSizes batches) {
        Timings t = r.timings();
        Duration run = t.startedAt() == null ? Duration.ZERO : Duration.between(t.startedAt(), t.completedAt());
        Duration gpu = Rating.gpuShare(run, batches.of(r.jobId(), r.attempt()));
        Duration latency = Duration.between(t.acceptedAt(), t.completedAt());
        Duration ttft = t.firstTokenAt() == null ? null : Duration.between(t.acceptedAt(), t.firstTokenAt());
        BigDecimal cost = r.cost() == null ? BigDecimal.ZERO : r.cost().amount();
        return new JobUse(r, gpu, latency, ttft, cost);
    }
}
