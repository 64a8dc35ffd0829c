package io.inferbroker.replay.internal;

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
    private long[] batchKeys = new long[16];
    private int batchCount;

    /** Records one dispatch batch. */
    public void add(ConsumerRecord<byte[], byte[]> record) {
        batchCount = 0;
        int size = Views.batch(record, (idHash, attempt) -> {
            if (batchCount == batchKeys.length) {
                batchKeys = java.util.Arrays.copyOf(batchKeys, batchCount * 2);
            }
            batchKeys[batchCount++] = key(idHash, attempt);
        });
        for (int i = 0; i < batchCount; i++) {
            put(batchKeys[i], size);
        }
    }

    /** The batch size of this attempt; 1 when its dispatch was not read (before the range, or never). */
    public int of(String jobId, int attempt) {
        long k = key(idHash(jobId), attempt);
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

    /** FNV-1a over an id's characters. */
    static long idHash(char[] buf, int off, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = off; i < off + len; i++) {
            h = (h ^ buf[i]) * 0x100000001b3L;
        }
        return h;
    }

    static long idHash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** An attempt's key: the id hash folded with the attempt; never 0 (the empty slot). */
    static long key(long idHash, int attempt) {
        long h = (idHash ^ attempt) * 0x100000001b3L;
        return h == 0 ? 1 : h;
    }

    private static long mix(long k) {
        long x = k ^ (k >>> 33);
        x *= 0xff51afd7ed558ccdL;
        return x ^ (x >>> 33);
    }
}
