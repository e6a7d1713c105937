package org.mmproto.core.scenario;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;

/**
 * The workloads a {@code repeat:} step runs, each driven by a {@link SplittableRandom} from the
 * step's seed, so a run is reproduced by its seed. One iteration is one page access, one free or
 * one kernel allocation.
 */
public final class Workloads {
    private Workloads() {
    }

    /** The workload kinds, by their scenario names. */
    public enum Kind {
        /** Touch a uniformly random page of the range; write with probability write_ratio. */
        RANDOM_TOUCH,
        /** Touch a random page, or with probability free_ratio drop one with MADV_DONTNEED. */
        TOUCH_FREE,
        /** Touch random pages of a fixed random subset of working_set bytes of the range. */
        WORKING_SET,
        /** A random hot_fraction of the pages gets hot_ratio of the accesses; the rest go to the cold pages. */
        HOT_COLD,
        /** Kernel pages: alloc_pages(gfp, order) on nid, or with probability free_ratio free a held one. */
        ALLOC_FREE;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean userMemory() {
            return this != ALLOC_FREE;
        }
    }

    /** alloc_free's node choice: a node id, or one of these. */
    public static final int NID_EACH = Integer.MIN_VALUE;
    public static final int NID_RANDOM = Integer.MIN_VALUE + 1;

    /**
     * A workload's parameters; fields that do not apply to the kind are zero/null.
     *
     * @param name kernel-allocation group that alloc_free adds to (and frees from)
     */
    public record Spec(Kind kind, String task, Addr addr, Len length, double writeRatio, double freeRatio,
                       long workingSetBytes, double hotFraction, double hotRatio, int gfp, int order, int nid,
                       int cpu, String name) {
    }

    /** What a workload did. {@code firstError} is 0 when nothing failed, else the first -errno. */
    public record Outcome(long iterations, long touches, long writes, long frees, long allocs, long errors,
                          long firstError) {
    }

    /**
     * Runs a workload.
     *
     * @param start    the resolved start address (user workloads)
     * @param length   the range length in bytes (user workloads)
     * @param group    the held kernel allocations ({pfn, order}) of alloc_free; updated in place
     * @param progress called with the iterations done, every 4096 iterations
     */
    public static Outcome run(Kernel k, Spec s, Task t, long start, long length, long times, long seed,
                              List<long[]> group, LongConsumer progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Counter c = new Counter();
        long pages = Math.max(0, (length + 4095) >>> 12);
        int[] order = null;
        int hot = 0;
        if (s.kind() == Kind.WORKING_SET || s.kind() == Kind.HOT_COLD) {
            if (pages > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("range of " + pages + " pages is too large for " + s.kind().key());
            }
            order = shuffledPrefix((int) pages, rnd);
            hot = s.kind() == Kind.WORKING_SET
                    ? (int) Math.min(pages, Math.max(1, s.workingSetBytes() >>> 12))
                    : (int) Math.max(1, Math.round(pages * s.hotFraction()));
            hot = Math.min(hot, (int) pages);
        }
        int nodes = k.mem().nodeCount();
        int localNid = s.kind() == Kind.ALLOC_FREE ? k.cpuToNode(s.cpu()) : 0;
        int nextEach = 0;
        MmOps ops = k.mmOps();
        for (long i = 0; i < times; i++) {
            switch (s.kind()) {
                case RANDOM_TOUCH -> {
                    if (pages > 0) {
                        c.touch(ops, t, start + (rnd.nextLong(pages) << 12), rnd.nextDouble() < s.writeRatio());
                    }
                }
                case TOUCH_FREE -> {
                    if (pages > 0) {
                        long addr = start + (rnd.nextLong(pages) << 12);
                        if (rnd.nextDouble() < s.freeRatio()) {
                            c.frees++;
                            c.record(ops.madvise(t, addr, 4096, MmOps.MADV_DONTNEED));
                        } else {
                            c.touch(ops, t, addr, rnd.nextDouble() < s.writeRatio());
                        }
                    }
                }
                case WORKING_SET -> {
                    if (pages > 0) {
                        c.touch(ops, t, start + ((long) order[rnd.nextInt(hot)] << 12), rnd.nextDouble() < s.writeRatio());
                    }
                }
                case HOT_COLD -> {
                    if (pages > 0) {
                        boolean toHot = hot == pages || rnd.nextDouble() < s.hotRatio();
                        int idx = toHot ? order[rnd.nextInt(hot)] : order[hot + rnd.nextInt((int) pages - hot)];
                        c.touch(ops, t, start + ((long) idx << 12), rnd.nextDouble() < s.writeRatio());
                    }
                }
                case ALLOC_FREE -> {
                    if (!group.isEmpty() && rnd.nextDouble() < s.freeRatio()) {
                        int victim = rnd.nextInt(group.size());
                        long[] a = group.get(victim);
                        group.set(victim, group.get(group.size() - 1));
                        group.remove(group.size() - 1);
                        k.alloc().freePages(a[0], (int) a[1]);
                        c.frees++;
                    } else {
                        int nid;
                        if (s.nid() == NID_EACH) {
                            nid = nextEach;
                            nextEach = (nextEach + 1) % nodes;
                        } else if (s.nid() == NID_RANDOM) {
                            nid = rnd.nextInt(nodes);
                        } else {
                            nid = s.nid();
                        }
                        long pfn = k.alloc().allocPages(s.gfp(), s.order(), nid, null, localNid);
                        c.allocs++;
                        if (pfn >= 0) {
                            group.add(new long[] {pfn, s.order()});
                        } else {
                            c.record((int) pfn);
                        }
                    }
                }
                default -> throw new IllegalStateException(s.kind().toString());
            }
            if (progress != null && (i & 4095) == 4095) {
                progress.accept(i + 1);
            }
        }
        if (progress != null) {
            progress.accept(times);
        }
        return new Outcome(times, c.touches, c.writes, c.frees, c.allocs, c.errors, c.firstError);
    }

    /** A random permutation of 0..n-1 (Fisher-Yates), deterministic for the generator. */
    private static int[] shuffledPrefix(int n, SplittableRandom rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }

    private static final class Counter {
        long touches;
        long writes;
        long frees;
        long allocs;
        long errors;
        long firstError;

        void touch(MmOps ops, Task t, long addr, boolean write) {
            touches++;
            if (write) {
                writes++;
            }
            record(ops.touch(t, addr, 1, write));
        }

        void record(int r) {
            if (r < 0) {
                errors++;
                if (firstError == 0) {
                    firstError = r;
                }
            }
        }
    }
}
