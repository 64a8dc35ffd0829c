package io.inferbroker.dispatcher.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * What a task's stores say about its live jobs once they are read back after a stop, made
 * consistent. At least once gives no atomicity across stores: a stop (a crash, a kill) can keep any
 * subset of one step's writes to different stores, and of one store's writes it keeps those before
 * some point (a changelog partition keeps the order its records were sent in). A job has one record
 * in the active store, so whatever that store kept is a state the job was in: queued, or in flight
 * on a worker. What can disagree is the active store and the done store ({@link DoneJobs}) when a
 * job finished: the finished mark kept and the active record's deletion lost, which leaves a
 * finished job looking live; such records are dropped. (The other way round, the deletion kept and
 * the mark lost, the job is in neither store and the result that finished it comes again: its
 * offset was not committed, since a commit waits for every write before it.) A cancel remembered
 * before its job came (another tenant's, or one the job's arrival did not match) does not end a job
 * admitted after it.
 *
 * <p>Reads every active record once, with one done-store lookup per job: only at task start,
 * bounded by the queued and in-flight jobs. The corrections are returned as {@link #repairs()}, to
 * be written while a record or a punctuation is processed (stores cannot be written from {@code
 * init}).
 */
final class StoreReconciliation {
    /** A job in flight on a worker. */
    record Running(String workerId, InFlight job) {}

    private final KeyValueStore<String, ActiveJob> active;
    private final List<QueuedJob> queued = new ArrayList<>();
    private final List<Running> running = new ArrayList<>();
    private final List<Runnable> repairs = new ArrayList<>();

    private StoreReconciliation(KeyValueStore<String, ActiveJob> active) {
        this.active = active;
    }

    /** Reads the stores at {@code now} and decides where each live job is. */
    static StoreReconciliation of(KeyValueStore<String, ActiveJob> active, DoneJobs done, Instant now) {
        StoreReconciliation r = new StoreReconciliation(active);
        try (KeyValueIterator<String, ActiveJob> it = active.all()) {
            it.forEachRemaining(kv -> r.decide(kv.key, kv.value, done.latest(kv.key, now)));
        }
        return r;
    }

    /** Jobs to put in the in-memory queues. */
    List<QueuedJob> queued() {
        return queued;
    }

    /** Jobs to count as in flight. */
    List<Running> running() {
        return running;
    }

    /** Store writes that make the stores agree with {@link #queued()} and {@link #running()}. */
    List<Runnable> repairs() {
        return repairs;
    }

    private void decide(String jobId, ActiveJob job, @Nullable DoneMark mark) {
        if (mark != null && mark.kind() == DoneMark.Kind.FINISHED) {
            // Finished: the deletion that went with the mark was lost.
            repairs.add(() -> active.put(jobId, null));
            return;
        }
        ActiveJob.Sent sent = job.sent();
        if (sent == null) {
            queued.add(job.queued());
        } else {
            running.add(new Running(
                    sent.workerId(), new InFlight(job.queued(), sent.at(), sent.attempt(), sent.workerInstance())));
        }
    }
}
