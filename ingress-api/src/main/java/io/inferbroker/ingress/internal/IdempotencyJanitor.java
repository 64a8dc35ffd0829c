package io.inferbroker.ingress.internal;

import io.inferbroker.store.IdempotencyStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes idempotency claims older than {@link IdempotencyStore#WINDOW}, every {@link #EVERY}, in
 * batches of {@link #BATCH} (short statements that never hold many locks), at most {@link
 * #MAX_BATCHES} a pass. Expired claims are already ignored when a key is claimed; this only keeps the
 * table small. Every ingress instance runs one; passes of several instances do not conflict. Runs on
 * a daemon thread of its own; close to stop it.
 */
public final class IdempotencyJanitor implements AutoCloseable {
    static final Duration EVERY = Duration.ofMinutes(5);
    static final int BATCH = 500;
    static final int MAX_BATCHES = 20;
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyJanitor.class);

    private final IdempotencyStore store;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("idempotency-janitor").daemon().factory());

    IdempotencyJanitor(IdempotencyStore store) {
        this.store = store;
    }

    /** A janitor making its first pass after {@link #EVERY}. */
    public static IdempotencyJanitor start(IdempotencyStore store) {
        IdempotencyJanitor janitor = new IdempotencyJanitor(store);
        janitor.timer.scheduleWithFixedDelay(
                janitor::runOnce, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return janitor;
    }

    /** One pass; a failure is logged and the next pass tries again. Returns how many claims it deleted. */
    int runOnce() {
        int deleted = 0;
        try {
            for (int batch = 0; batch < MAX_BATCHES; batch++) {
                int n = store.purgeExpired(BATCH);
                deleted += n;
                if (n < BATCH) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot delete expired idempotency keys; trying again in {}: {}", EVERY, e.getMessage());
        }
        return deleted;
    }

    /** Stops the timer, interrupting a pass under way; idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
