package io.inferbroker.replay.internal;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The size of the dispatch batch each job attempt ran in, from the dispatch topic: the divisor of its
 * GPU share. Holds one small entry per attempt dispatched in the range read. Not thread-safe.
 */
public final class BatchSizes {
    private final Map<String, Integer> sizes = new HashMap<>();

    /** Records one dispatch batch. */
    public void add(ConsumerRecord<byte[], byte[]> record) {
        Views.BatchView batch = Views.batch(record);
        int size = batch.jobs().size();
        for (Views.BatchJob j : batch.jobs()) {
            sizes.put(key(j.jobId(), j.attempt()), size);
        }
    }

    /** The batch size of this attempt; 1 when its dispatch was not read (before the range, or never). */
    public int of(String jobId, int attempt) {
        return sizes.getOrDefault(key(jobId, attempt), 1);
    }

    private static String key(String jobId, int attempt) {
        return jobId + '#' + attempt;
    }
}
