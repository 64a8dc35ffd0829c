package io.inferbroker.store;

import io.inferbroker.store.api.IdempotencyStore;
import io.inferbroker.store.api.StoreException;
import io.inferbroker.store.internal.ResultStoreMetrics;
import io.inferbroker.store.internal.StoreErrors;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what is older than it is kept, the one owner of deletion by age in the database: finished
 * jobs (by completion), audited results (by receipt) and webhook messages no longer pending (by
 * creation, with their attempts) past the retention period, and {@code Idempotency-Key} claims past
 * {@link IdempotencyStore#WINDOW} (also when retention keeps everything: a claim past its window no
 * longer holds). Each statement deletes at most {@code batchSize} rows, so locks stay short and the
 * sink and the ingress keep writing; a round repeats them until nothing is left, then waits for the
 * next. Unfinished jobs are never deleted. Safe to run on several store instances at once.
 * Thread-safe; the owner closes it before the {@link StoreDatabase}.
 */
public final class StoreRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRetention.class);
    /** Rows past the retention period. */
    private static final List<String> PAST_RETENTION = List.of(
            "delete from jobs where ctid in (select ctid from jobs where status_rank = 3"
                    + " and completed_at < :cutoff limit :limit)",
            "delete from job_results where ctid in (select ctid from job_results where received_at < :cutoff"
                    + " limit :limit)",
            "delete from webhook_deliveries where ctid in (select ctid from webhook_deliveries"
                    + " where created_at < :cutoff and status <> 'pending' limit :limit)");
    /** Claims past their window. */
    private static final String EXPIRED_CLAIMS = "delete from idempotency_keys where ctid in"
            + " (select ctid from idempotency_keys where created_at < :cutoff limit :limit)";

    private final StoreDatabase db;
    private final RetentionConfig config;
    private final Clock clock;
    private final ResultStoreMetrics metrics;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StoreRetention(StoreDatabase db, RetentionConfig config, MeterRegistry registry, Clock clock) {
        this.db = db;
        this.config = config;
        this.clock = clock;
        this.metrics = new ResultStoreMetrics(registry);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-retention");
            t.setDaemon(true);
            return t;
        });
    }

    /** Schedules rounds every {@code config.interval()}, the first right away. */
    public static StoreRetention start(StoreDatabase db, RetentionConfig config, MeterRegistry registry, Clock clock) {
        StoreRetention r = new StoreRetention(db, config, registry, clock);
        r.timer.scheduleWithFixedDelay(r::roundQuietly, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        return r;
    }

    /** Not started: for running rounds by hand ({@link #round()}). */
    public static StoreRetention manual(StoreDatabase db, RetentionConfig config, MeterRegistry registry, Clock clock) {
        return new StoreRetention(db, config, registry, clock);
    }

    /**
     * One round: deletes everything past retention and every expired claim, batch by batch.
     *
     * @return rows deleted
     * @throws StoreException when a delete fails
     */
    public int round() {
        Instant now = clock.instant();
        int total = deleteAll(EXPIRED_CLAIMS, now.minus(IdempotencyStore.WINDOW));
        if (!config.keepsEverything()) {
            for (String sql : PAST_RETENTION) {
                total += deleteAll(sql, now.minus(config.keep()));
            }
        }
        return total;
    }

    private int deleteAll(String sql, Instant cutoff) {
        int total = 0;
        int deleted;
        do {
            try {
                deleted = db.jdbi()
                        .withHandle(h -> h.createUpdate(sql)
                                .bindByType("cutoff", cutoff, Instant.class)
                                .bind("limit", config.batchSize())
                                .execute());
            } catch (JdbiException e) {
                throw StoreErrors.translate("cannot delete rows past retention", e, db.address());
            }
            total += deleted;
            metrics.retentionDeleted(deleted);
        } while (deleted == config.batchSize() && !closed.get());
        return total;
    }

    private void roundQuietly() {
        try {
            int deleted = round();
            if (deleted > 0) {
                LOG.info("retention deleted {} rows older than {}", deleted, config.keep());
            }
        } catch (StoreException e) {
            LOG.warn("retention round failed, trying again in {}: {}", config.interval(), e.getMessage());
        }
    }

    /** Stops scheduling rounds; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            timer.shutdownNow();
        }
    }
}
