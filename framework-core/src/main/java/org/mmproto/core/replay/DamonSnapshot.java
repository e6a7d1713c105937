package org.mmproto.core.replay;

import java.util.Arrays;

/**
 * One DAMON snapshot (an aggregation interval) being replayed: its regions with their
 * nr_accesses, held until the snapshot is complete, then replayed as accesses spread over the
 * interval. With R the largest nr_accesses of the snapshot, the interval is cut into R rounds;
 * a region with N accesses is passed over (every page once) in N of them, spread evenly
 * (round j passes it when floor((j+1)N/R) > floor(jN/R)), at the round's end time. Time thus
 * advances between the passes, the replay clock ticks in between (NUMA balancing's scanner
 * marks pages, reclaim ages them), and a hot region is touched again soon after each tick while a
 * cold one waits: a region's hotness is what its pages see. A page's first access is a store
 * when nothing is mapped there yet (the recorded program's data), every other one a load.
 */
final class DamonSnapshot {
    private long[] regions = new long[3 * 64];
    private int n;

    void clear() {
        n = 0;
    }

    int size() {
        return n;
    }

    void add(long start, long end, long nrAccesses) {
        if (3 * n + 3 > regions.length) {
            regions = Arrays.copyOf(regions, regions.length * 2);
        }
        regions[3 * n] = start;
        regions[3 * n + 1] = end;
        regions[3 * n + 2] = nrAccesses;
        n++;
    }

    /**
     * Replays the snapshot's regions over [startNs, endNs] (startNs < 0: all at endNs);
     * returns the page accesses made, at most {@code max}.
     */
    long replay(AccessSink to, long startNs, long endNs, long max) {
        long rounds = 0;
        for (int i = 0; i < n; i++) {
            rounds = Math.max(rounds, regions[3 * i + 2]);
        }
        long from = startNs < 0 || startNs > endNs ? endNs : startNs;
        long dur = endNs - from;
        long done = 0;
        for (long j = 0; j < rounds && done < max; j++) {
            long ns = from + (long) ((double) dur * (j + 1) / rounds);
            for (int i = 0; i < n && done < max; i++) {
                long nr = regions[3 * i + 2];
                if ((j + 1) * nr / rounds == j * nr / rounds) {
                    continue; // not this region's round
                }
                long end = regions[3 * i + 1];
                for (long a = regions[3 * i] & -4096L; Long.compareUnsigned(a, end) < 0 && done < max; a += 4096) {
                    to.populate(a, ns);
                    done++;
                }
            }
        }
        return done;
    }
}
