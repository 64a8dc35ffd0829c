package io.inferbroker.replay.internal;

/**
 * Reuses the strings that repeat across millions of records (tenant, model and worker ids), so
 * reading them allocates nothing and their hash codes are computed once. A direct-mapped table: a
 * slot holds the last string that hashed to it. Safe under concurrent use without locks, since
 * strings are immutable and a lost write only costs a later allocation.
 */
final class StringCache {
    private static final int MAX_LENGTH = 64;

    private final String[] slots;
    private final int mask;

    StringCache(int sizePowerOfTwo) {
        this.slots = new String[sizePowerOfTwo];
        this.mask = sizePowerOfTwo - 1;
    }

    String get(char[] buf, int off, int len) {
        if (len > MAX_LENGTH) {
            return new String(buf, off, len);
        }
        int h = 0;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + buf[i];
        }
        int slot = (h ^ (h >>> 16)) & mask;
        String s = slots[slot];
        if (s != null && s.length() == len && same(s, buf, off, len)) {
            return s;
        }
        s = new String(buf, off, len);
        slots[slot] = s;
        return s;
    }

    private static boolean same(String s, char[] buf, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != buf[off + i]) {
                return false;
            }
        }
        return true;
    }
}
