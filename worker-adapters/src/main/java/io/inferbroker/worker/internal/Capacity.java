package io.inferbroker.worker.internal;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The worker's sequence slots: a job holds one from its start until its result is published, so
 * no more than {@link #capacity()} jobs are ever in flight. Thread-safe.
 */
public final class Capacity {
    private static final Duration WAIT_STEP = Duration.ofMillis(50);

    private final int capacity;
    private final Semaphore permits;

    public Capacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
    }

    public int capacity() {
        return capacity;
    }

    /** Slots taken now. */
    public int inFlight() {
        return capacity - permits.availablePermits();
    }

    /**
     * Takes between 1 and {@code wanted} slots: waits for the first, then takes as many more as are
     * free right now. While waiting it asks {@code keepWaiting} every 50 ms whether to go on.
     *
     * @return slots taken; 0 when {@code keepWaiting} said stop or the thread was interrupted
     */
    public int acquireUpTo(int wanted, BooleanSupplier keepWaiting) {
        if (wanted < 1) {
            return 0;
        }
        try {
            while (!permits.tryAcquire(WAIT_STEP.toNanos(), TimeUnit.NANOSECONDS)) {
                if (!keepWaiting.getAsBoolean()) {
                    return 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        int taken = 1;
        while (taken < wanted && permits.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    /** Gives one slot back. */
    public void release() {
        permits.release();
    }
}
