package org.mmproto.samples.cram;

import java.util.Arrays;

/**
 * Per-page device state keyed by pfn: a primitive open-addressing table (linear probing, no
 * removal: a scrubbed page keeps its entry with 0 bytes), so a device of millions of pages costs
 * no boxing on the store path. Each value packs the page's compressed bytes (low 16 bits) and
 * how many stores it has seen.
 */
final class PageTable {
    private static final long EMPTY = -1;
    private long[] keys = new long[1 << 12];
    private long[] values = new long[1 << 12];
    private int size;

    PageTable() {
        Arrays.fill(keys, EMPTY);
    }

    /** The packed value of {@code pfn}, 0 if never stored. */
    long get(long pfn) {
        int i = slot(pfn, keys);
        return keys[i] == EMPTY ? 0 : values[i];
    }

    void put(long pfn, long value) {
        int i = slot(pfn, keys);
        if (keys[i] == EMPTY) {
            if ((size + 1) * 2 > keys.length) {
                grow();
                i = slot(pfn, keys);
            }
            keys[i] = pfn;
            size++;
        }
        values[i] = value;
    }

    static int bytes(long packed) {
        return (int) (packed & 0xFFFF);
    }

    static long generation(long packed) {
        return packed >>> 16;
    }

    static long pack(long generation, int bytes) {
        return generation << 16 | bytes;
    }

    private static int slot(long pfn, long[] keys) {
        int mask = keys.length - 1;
        int i = (int) (pfn * 0x9E3779B97F4A7C15L >>> 40) & mask;
        while (keys[i] != EMPTY && keys[i] != pfn) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] ok = keys;
        long[] ov = values;
        keys = new long[ok.length * 2];
        values = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int i = slot(ok[j], keys);
                keys[i] = ok[j];
                values[i] = ov[j];
            }
        }
    }
}
