package io.inferbroker.worker.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Which offset of one partition may be committed: records finish out of order, but the committed
 * offset only moves past a record once it and every record before it are done. A failed record
 * (its results could not be published) stops the committed offset for good, so that the batch runs
 * again after a restart.
 *
 * <p>{@link #track}, {@link #committable}, {@link #settled} and {@link #awaitSettled} belong to the
 * consuming thread; {@link Entry#done()} and {@link Entry#failed()} may be called from any thread.
 */
final class OffsetTracker {
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long lastCommittable = -1;

    /** Starts tracking the record at {@code offset}, which must follow the last tracked one. */
    public Entry track(long offset) {
        Entry last = entries.peekLast();
        if (last != null && offset <= last.offset) {
            throw new IllegalArgumentException("offset " + offset + " does not follow " + last.offset);
        }
        Entry entry = new Entry(this, offset);
        entries.addLast(entry);
        return entry;
    }

    /** The next offset to commit when it moved since the last call; empty when nothing changed. */
    public OptionalLong committable() {
        long next = lastCommittable;
        for (Entry head = entries.peekFirst(); head != null && head.state == State.DONE; head = entries.peekFirst()) {
            entries.removeFirst();
            next = head.offset + 1;
        }
        if (next == lastCommittable) {
            return OptionalLong.empty();
        }
        lastCommittable = next;
        return OptionalLong.of(next);
    }

    /** Records tracked but not yet committable. */
    public int pending() {
        return entries.size();
    }

    /** True when no tracked record is still running (each is done or failed). */
    public boolean settled() {
        for (Entry entry : entries) {
            if (entry.state == State.PENDING) {
                return false;
            }
        }
        return true;
    }

    /** Waits up to {@code timeout} for {@link #settled()}; returns it. */
    public synchronized boolean awaitSettled(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!settled()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private synchronized void changed() {
        notifyAll();
    }

    private enum State {
        PENDING,
        DONE,
        FAILED
    }

    /** One tracked record. */
    public static final class Entry {
        private final OffsetTracker tracker;
        private final long offset;
        private volatile State state = State.PENDING;

        private Entry(OffsetTracker tracker, long offset) {
            this.tracker = tracker;
            this.offset = offset;
        }

        public long offset() {
            return offset;
        }

        /** Everything the record asked for is published. */
        public void done() {
            state = State.DONE;
            tracker.changed();
        }

        /** The record's results could not be published; its offset must never be committed. */
        public void failed() {
            state = State.FAILED;
            tracker.changed();
        }
    }
}
