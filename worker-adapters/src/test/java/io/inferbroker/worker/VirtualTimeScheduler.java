package io.inferbroker.worker;

import io.inferbroker.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on virtual time: a task scheduled after a delay moves the clock forward by that
 * delay and runs at once on the scheduler's single thread. Fits code that schedules one step at a
 * time, like the simulator; it records every delay asked for.
 */
public final class VirtualTimeScheduler extends ScheduledThreadPoolExecutor {
    private final MutableClock clock;
    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    public VirtualTimeScheduler(MutableClock clock) {
        super(1);
        this.clock = clock;
    }

    public List<Duration> delays() {
        return List.copyOf(delays);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Duration wait = Duration.ofNanos(unit.toNanos(delay));
        delays.add(wait);
        return super.schedule(
                () -> {
                    clock.advance(wait);
                    command.run();
                },
                0,
                unit);
    }
}
