package io.inferbroker.dispatcher.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes of the global workers store (written by the global thread, read by the stream
 * threads), so a reader decodes the fleet again only after it changed: worker statuses change about
 * once a second per worker, while the fleet is read for every batch. Thread-safe.
 */
final class FleetVersion {
    /** A version for readers without a store updater to tell them: every read goes to the store. */
    static final FleetVersion UNTRACKED = new FleetVersion(true);

    private final AtomicLong changes = new AtomicLong();
    private final boolean untracked;

    public FleetVersion() {
        this(false);
    }

    private FleetVersion(boolean untracked) {
        this.untracked = untracked;
    }

    /** Called after each write to the store. */
    void changed() {
        changes.incrementAndGet();
    }

    /** The number of changes so far; -1 when untracked (no reader may keep a copy). */
    long current() {
        return untracked ? -1 : changes.get();
    }
}
