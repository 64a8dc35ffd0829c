package io.inferbroker.replay.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The size of the dispatch batch each job attempt ran in, from the dispatch topic: the divisor of its
 * GPU share. Keyed by a 64-bit hash of job id and attempt in an open-addressing table, so an attempt
 * costs 12 bytes (a collision, about one in 10^8 at a million jobs, would borrow another job's batch
 * size). Not thread-safe.
 */
public final class BatchSizes {
    private static final int MIN_CAPACITY = 1 << 10;

    private long[] keys = new long[MIN_CAPACITY];
    private int[] sizes = new int[MIN_CAPACITY];
    private int count;
    private final List<String> ids = new ArrayList<>();
    private final List<Integer> attempts = new ArrayList<>();

    /** Records one dispatch batch. */
    public void add(ConsumerRecord<byte[], byte[]> record) {
        ids.clear();
        attempts.clear();
        int size = Views.batch(record, (id, attempt) -> {
            ids.add(id);
            attempts.add(attempt);
        });
        for (int i = 0; i < ids.size(); i++) {
            put(key(ids.get(i), attempts.get(i)), size);
        }
    }

    /** The batch size of this attempt; 1 when its dispatch was not read (before the range, or never). */
    public int of(String jobId, int attempt) {
        long k = key(jobId, attempt);
        int mask = keys.length - 1;
        for (int i = (int) mix(k) & mask; keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == k) {
                return sizes[i];
            }
        }
        return 1;
    }

    /** Attempts known. */
    public int count() {
        return count;
    }

    private void put(long k, int size) {
        if ((count + 1) * 10L > keys.length * 6L) {
            grow();
        }
        int mask = keys.length - 1;
        int i = (int) mix(k) & mask;
        while (keys[i] != 0 && keys[i] != k) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            count++;
        }
        keys[i] = k;
        sizes[i] = size;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSizes = sizes;
        keys = new long[oldKeys.length * 2];
        sizes = new int[oldKeys.length * 2];
        count = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], oldSizes[i]);
            }
        }
    }

    /** FNV-1a over the id's characters and the attempt; never 0 (the empty slot). */
    static long key(String jobId, int attempt) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < jobId.length(); i++) {
            h = (h ^ jobId.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ attempt) * 0x100000001b3L;
        return h == 0 ? 1 : h;
    }

    private static long mix(long k) {
        long x = k ^ (k >>> 33);
        x *= 0xff51afd7ed558ccdL;
        return x ^ (x >>> 33);
    }
}
