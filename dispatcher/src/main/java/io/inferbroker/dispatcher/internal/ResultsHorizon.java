package io.inferbroker.dispatcher.internal;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a task's results partition ends, and where the dispatcher's group last committed on it:
 * what a task must have read before it judges the jobs on a lost or restarted worker unfinished.
 * A worker publishes its results before it dies; the task reads them later, and how much later
 * depends on its consumer, not on timestamps. Sending a job again whose result waits unread runs
 * it twice. So a task asks for the end offset once it has judged a worker, and fails the worker's
 * jobs over only when it has read up to that offset ({@link Catchup}).
 */
public interface ResultsHorizon {
    /** The group's committed offset on the partition (its start of reading, 0 when none) and its end offset. */
    record Marks(long committed, long end) {}

    /** Asks for the partition's marks; never blocks. The answer may fail. */
    CompletableFuture<Marks> ask(TopicPartition partition);

    /** Nothing to catch up with: a task judges at once (topology tests without a broker). */
    ResultsHorizon NONE = partition -> CompletableFuture.completedFuture(new Marks(0, 0));
}
