package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.JobRequested;
import java.time.Instant;

/**
 * Keys that order the dispatcher's in-memory queues (earlier versions kept them as keys of a queue
 * store). Numbers are zero-padded and names are length-prefixed ({@code 5:llama\0}): no name can be
 * a prefix of another name's keys, whatever characters names hold.
 */
final class StoreKeys {
    private static final char SEP = '\u0000';
    private static final int MILLIS_DIGITS = 15;
    private static final int SCORE_DIGITS = 19;

    private StoreKeys() {}

    /** The prefix shared by every queue key of {@code model}. */
    static String queuePrefix(String model) {
        return named(model);
    }

    /**
     * Queue order within a model: an aged priority, then acceptance time, then job id. The aged
     * priority is {@code priority * aging + queuedAt} (priority offset so that negative numbers sort
     * first): waiting {@code aging} longer is worth one priority level, so a low-priority job is
     * overtaken by newer urgent ones only for a bounded time. Both terms are fixed when the job is
     * queued, so the order is a plain key order.
     */
    static String queueKey(JobRequested job, Instant queuedAt, long agingMillis) {
        long priority = (long) job.priority() - Integer.MIN_VALUE;
        long score = priority * agingMillis + millis(queuedAt);
        return queuePrefix(job.model())
                + pad(score, SCORE_DIGITS)
                + SEP
                + pad(millis(job.acceptedAt()), MILLIS_DIGITS)
                + SEP
                + job.jobId();
    }

    private static String named(String name) {
        return name.length() + ":" + name + SEP;
    }

    private static long millis(Instant instant) {
        return Math.max(0L, instant.toEpochMilli());
    }

    private static String pad(long value, int digits) {
        String s = Long.toString(value);
        return "0".repeat(Math.max(0, digits - s.length())) + s;
    }
}
