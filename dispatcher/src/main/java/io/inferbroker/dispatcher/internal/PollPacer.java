package io.inferbroker.dispatcher.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * How long the consumers of one dispatcher's Kafka Streams client may block in a poll. Streams runs
 * wall-clock punctuation only between polls and polls for a fixed {@code poll.ms}, so a stream thread
 * that must tick every few milliseconds while work is pending would also wake that often with nothing
 * to do. Instead each task says when it next needs its tick ({@link Wake}), and the consumer of the
 * thread that runs those tasks ({@link PacedConsumer}) blocks until the earliest of them, at most
 * {@code idleMax}, never less than Streams asked. Records end a poll as soon as they arrive, so only
 * work that comes due by the clock waits for a task's word. The global thread, which only copies
 * worker statuses into its store, blocks up to {@code idleMax} too.
 *
 * <p>A task registers on the thread that runs it, and a consumer reads the wakes of its own thread,
 * so each stream thread sees only its own tasks. While the Streams client is not running (starting,
 * rebalancing, restoring a task, closing), every poll takes what Streams asked, and a lengthened poll
 * ends within {@link #SLICE}. Thread-safe.
 */
public final class PollPacer {
    /** The longest one consumer poll blocks before a lengthened poll checks whether it may go on. */
    static final Duration SLICE = Duration.ofMillis(100);

    private final long idleMaxMillis;
    private final ThreadLocal<List<Wake>> wakes = ThreadLocal.withInitial(CopyOnWriteArrayList::new);
    private volatile BooleanSupplier running = () -> true;

    /** @param idleMax the longest a poll blocks when no task wants its tick sooner; zero never lengthens one */
    public PollPacer(Duration idleMax) {
        this.idleMaxMillis = idleMax.toMillis();
    }

    /** Polls are lengthened only while {@code running} holds: the Streams client runs, every task restored. */
    public void onlyWhile(BooleanSupplier running) {
        this.running = running;
    }

    /** Registers a task of the calling thread; it wants its tick at once until it says otherwise. */
    Wake register() {
        List<Wake> mine = wakes.get();
        Wake wake = new Wake(mine);
        mine.add(wake);
        return wake;
    }

    /**
     * How long the calling thread's consumer may block when Streams asked for {@code requestedMillis}
     * at wall-clock time {@code nowMillis}: until the earliest wake its tasks asked for, at most
     * {@code idleMax}, at least what was asked. Just what was asked when Streams asked for no wait,
     * when the thread runs no task, or while polls are not to be lengthened.
     */
    public long pollMillis(long requestedMillis, long nowMillis) {
        if (requestedMillis <= 0 || !mayWait()) {
            return requestedMillis;
        }
        List<Wake> mine = wakes.get();
        if (mine.isEmpty()) {
            return requestedMillis;
        }
        long earliest = Long.MAX_VALUE;
        for (Wake w : mine) {
            earliest = Math.min(earliest, w.atMillis);
        }
        if (earliest <= nowMillis) {
            return requestedMillis;
        }
        return Math.max(requestedMillis, Math.min(idleMaxMillis, earliest - nowMillis));
    }

    /** Whether a lengthened poll may go on blocking. */
    boolean mayWait() {
        return running.getAsBoolean();
    }

    /** The pacing of the stream threads' consumers. */
    PacedConsumer.Pacing forTasks() {
        return new PacedConsumer.Pacing() {
            @Override
            public long pollMillis(long requestedMillis, long nowMillis) {
                return PollPacer.this.pollMillis(requestedMillis, nowMillis);
            }

            @Override
            public boolean mayWait() {
                return PollPacer.this.mayWait();
            }
        };
    }

    /** The pacing of the global thread's consumer: records are all it waits for. */
    PacedConsumer.Pacing forGlobalStore() {
        return new PacedConsumer.Pacing() {
            @Override
            public long pollMillis(long requestedMillis, long nowMillis) {
                return requestedMillis <= 0 || !mayWait() ? requestedMillis : Math.max(requestedMillis, idleMaxMillis);
            }

            @Override
            public boolean mayWait() {
                return PollPacer.this.mayWait();
            }
        };
    }

    /** When one task next needs its tick. Set on the thread that registered it. */
    static final class Wake {
        private final List<Wake> owner;
        private volatile long atMillis = Long.MIN_VALUE;

        private Wake(List<Wake> owner) {
            this.owner = owner;
        }

        /** The task needs its tick at wall-clock time {@code millis}, not before. */
        void at(long millis) {
            atMillis = millis;
        }

        /** The task needs its tick as soon as possible: its thread polls as Streams asked. */
        void now() {
            atMillis = Long.MIN_VALUE;
        }

        /** The task closed: its thread no longer waits for it. */
        void close() {
            owner.remove(this);
        }
    }
}
