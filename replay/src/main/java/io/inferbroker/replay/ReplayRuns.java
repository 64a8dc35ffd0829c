package io.inferbroker.replay;

import io.inferbroker.replay.internal.ReplayMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Replays run in the background of a server, one at a time, so an operator's request never competes
 * with another replay for the machine. Keeps the last {@code keep} runs (and their reports) for
 * reading. Thread-safe; close it to stop the running replay and drop the queue.
 */
public final class ReplayRuns implements AutoCloseable {
    /** Runs waiting beyond this many are refused. */
    public static final int MAX_QUEUED = 4;

    private final ReplaySource source;
    private final Clock clock;
    private final ReplayMetrics metrics;
    private final int keep;
    private final ExecutorService worker;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Map<String, Entry> runs = new LinkedHashMap<>();

    /**
     * @param keep finished runs kept for {@link #find}
     */
    public ReplayRuns(ReplaySource source, Clock clock, MeterRegistry registry, int keep) {
        this.source = source;
        this.clock = clock;
        this.metrics = new ReplayMetrics(registry);
        this.keep = keep;
        this.worker = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("replay-runs").daemon().factory());
    }

    /**
     * Queues a replay and returns its first snapshot.
     *
     * @throws RejectedExecutionException when {@value #MAX_QUEUED} runs are already waiting, or closed
     */
    public ReplayRun start(ReplayRequest request) {
        if (waiting.incrementAndGet() > MAX_QUEUED) {
            waiting.decrementAndGet();
            throw new RejectedExecutionException(MAX_QUEUED + " replays are already waiting");
        }
        Entry e = new Entry("rpl_" + UUID.randomUUID().toString().replace("-", ""), request, clock.instant());
        synchronized (runs) {
            runs.put(e.id, e);
            trim();
        }
        try {
            worker.execute(() -> run(e));
        } catch (RejectedExecutionException ex) {
            waiting.decrementAndGet();
            throw ex;
        }
        return e.snapshot();
    }

    /** The run with this id, while it is among the last ones kept. */
    public Optional<ReplayRun> find(String id) {
        synchronized (runs) {
            return Optional.ofNullable(runs.get(id)).map(Entry::snapshot);
        }
    }

    private void run(Entry e) {
        waiting.decrementAndGet();
        e.state = ReplayRun.State.RUNNING;
        try {
            Replay replay = new Replay(source, e);
            StringBuilder out = new StringBuilder();
            ReplayRequest r = e.request;
            switch (r.kind()) {
                case COST ->
                    ReportWriters.cost(replay.cost(r.range(), r.filter(), r.groupBy(), r.prices()), r.format(), out);
                case AUDIT -> ReportWriters.audit(replay.audit(r.range(), r.filter(), r.limit()), r.format(), out);
                default -> throw new IllegalStateException("unknown replay kind " + r.kind());
            }
            e.finish(ReplayRun.State.SUCCEEDED, out.toString(), null, clock.instant());
        } catch (RuntimeException ex) {
            e.finish(ReplayRun.State.FAILED, null, String.valueOf(ex.getMessage()), clock.instant());
        }
        metrics.finished(
                e.request.kind().wireName(),
                e.state == ReplayRun.State.SUCCEEDED,
                e.read.get(),
                Duration.between(e.createdAt, clock.instant()));
    }

    /** Drops the oldest finished runs beyond {@code keep}. */
    private void trim() {
        var it = runs.values().iterator();
        int excess = runs.size() - keep;
        while (excess > 0 && it.hasNext()) {
            Entry e = it.next();
            if (e.state == ReplayRun.State.SUCCEEDED || e.state == ReplayRun.State.FAILED) {
                it.remove();
                excess--;
            }
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    /** One run's live state; its progress is the replay's progress sink. */
    private static final class Entry implements ReplayProgress {
        private final String id;
        private final ReplayRequest request;
        private final Instant createdAt;
        private final AtomicLong read = new AtomicLong();
        private final AtomicLong total = new AtomicLong();
        private volatile ReplayRun.State state = ReplayRun.State.QUEUED;
        private volatile @Nullable Instant finishedAt;
        private volatile @Nullable String report;
        private volatile @Nullable String error;

        Entry(String id, ReplayRequest request, Instant createdAt) {
            this.id = id;
            this.request = request;
            this.createdAt = createdAt;
        }

        @Override
        public void start(long records) {
            total.set(records);
        }

        @Override
        public void advance(long records) {
            read.addAndGet(records);
        }

        @Override
        public void finish() {
            // The run's state changes when its report is written.
        }

        void finish(ReplayRun.State end, @Nullable String text, @Nullable String why, Instant at) {
            report = text;
            error = why;
            finishedAt = at;
            state = end;
        }

        ReplayRun snapshot() {
            return new ReplayRun(
                    id,
                    request,
                    state,
                    read.get(),
                    total.get(),
                    createdAt,
                    Optional.ofNullable(finishedAt),
                    Optional.ofNullable(report),
                    Optional.ofNullable(error));
        }
    }
}
