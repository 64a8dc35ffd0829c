package io.inferbroker.replay.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Meters of the replays a server runs. Tags are bounded: the replay kind and its outcome.
 *
 * <ul>
 *   <li>{@code broker.replay.runs{kind,outcome}}: finished replays (succeeded, failed)
 *   <li>{@code broker.replay.duration{kind}}: how long each finished replay ran
 *   <li>{@code broker.replay.records{kind}}: records read by replays
 * </ul>
 */
public final class ReplayMetrics {
    private final MeterRegistry registry;

    public ReplayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records a finished replay; never throws. */
    public void finished(String kind, boolean succeeded, long records, Duration took) {
        try {
            Counter.builder("broker.replay.runs")
                    .description("finished replays")
                    .tag("kind", kind)
                    .tag("outcome", succeeded ? "succeeded" : "failed")
                    .register(registry)
                    .increment();
            Timer.builder("broker.replay.duration")
                    .description("how long a replay ran")
                    .tag("kind", kind)
                    .register(registry)
                    .record(took);
            Counter.builder("broker.replay.records")
                    .description("records read by replays")
                    .tag("kind", kind)
                    .register(registry)
                    .increment(records);
        } catch (RuntimeException e) {
            // A metric must never fail a replay.
        }
    }
}
