package org.mmproto.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mmproto.api.Gfp;
import org.mmproto.core.mm.CountingCheckpoint;
import org.mmproto.core.mm.NoReclaim;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.Zone;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The page allocator's hot path: {@code allocPages} + {@code freePages} on a booted machine.
 *
 * <ul>
 *   <li>{@link #allocFreePair}: one order-0 allocation and its free per op. {@code layout=pristine}
 *       is the worst case: every allocation splits a MAX_PAGE_ORDER block ten times and every free
 *       merges it back. {@code layout=fragmented} first allocates a random mixed-order working set
 *       (about half the machine, with unmovable and movable pageblocks), so a pair mostly takes an
 *       order-0 block off a free list and puts it back without merging. {@code -p order=N} runs the
 *       same pair at another order (on a pristine machine an order-N pair splits and merges
 *       10-N levels), for a cost-per-level breakdown.</li>
 *   <li>{@link #mixedOrders}: per op, allocate a folio of a random order 0-10 and free a randomly
 *       chosen held folio in its place, keeping a working set of about half the machine.</li>
 * </ul>
 *
 * Machine: one node of {@code machineGiB} (default 16 GiB, 4 Mi pages; ZONE_NORMAL is 12 GiB).
 * Random choices come from precomputed arrays; the measured methods allocate no Java objects.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class AllocatorBench {

    /** Kept out of the failure log: a benchmark that hits ENOMEM should not print. */
    static final int NOWARN = Gfp.Bits.NOWARN;

    static int gfpBits(String name) {
        return switch (name) {
            case "GFP_KERNEL" -> Gfp.GFP_KERNEL.bits();
            case "GFP_HIGHUSER_MOVABLE" -> Gfp.GFP_HIGHUSER_MOVABLE.bits();
            default -> throw new IllegalArgumentException("unknown gfp " + name);
        };
    }

    static PageAllocator boot(int machineGiB, String pcp) {
        PhysicalMemory mem = PhysicalMemory.boot(
                BenchMachines.equalNodes("bench-" + machineGiB + "g", machineGiB * BenchMachines.GiB, 1));
        int n = mem.nodeCount();
        PageAllocator pa = new PageAllocator(mem, new CountingCheckpoint(n), new NoReclaim(n));
        return switch (pcp) {
            case "on" -> pa.enablePcp();
            case "off" -> pa;
            default -> throw new IllegalArgumentException("pcp " + pcp);
        };
    }

    /**
     * Fills the machine with random folios (order 0 with p=1/2, 1 with p=1/4, ... capped at
     * MAX_PAGE_ORDER; 3 in 4 movable, 1 in 4 GFP_KERNEL) up to 75% of its pages, then frees a
     * random third of them: about half the pages stay allocated, with free holes of every order
     * scattered over both unmovable and movable pageblocks.
     */
    static long fragment(PageAllocator pa, long seed) {
        PhysicalMemory mem = pa.memory();
        SplittableRandom rnd = new SplittableRandom(seed);
        long target = mem.totalManagedPages() * 3 / 4;
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, target);
        long[] pfns = new long[Math.min(cap, 1 << 22)];
        byte[] orders = new byte[pfns.length];
        int n = 0;
        long held = 0;
        int kernel = Gfp.GFP_KERNEL.bits() | NOWARN;
        int movable = Gfp.GFP_HIGHUSER_MOVABLE.bits() | NOWARN;
        while (held < target && n < pfns.length) {
            int order = Math.min(Zone.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(rnd.nextLong() | (1L << 62)));
            int gfp = rnd.nextInt(4) == 0 ? kernel : movable;
            long pfn = pa.allocPages(gfp, order, 0, null, 0);
            if (pfn < 0) {
                break;
            }
            pfns[n] = pfn;
            orders[n] = (byte) order;
            n++;
            held += 1L << order;
        }
        for (int k = 0; k < n; k++) {
            if (rnd.nextInt(3) == 0) {
                pa.freePages(pfns[k], orders[k]);
                held -= 1L << orders[k];
            }
        }
        return held;
    }

    static String describe(PhysicalMemory mem, long held) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%n[setup] %d pages, %d held (%.1f%%), free %d;",
                mem.totalManagedPages(), held, 100.0 * held / mem.totalManagedPages(), mem.totalFreePages()));
        for (Zone z : mem.zones()) {
            if (!z.populated() || z.managedPages() < (1L << 20)) {
                continue;
            }
            sb.append(' ').append(z).append(" nr_free by order:");
            for (int o = 0; o < Zone.NR_PAGE_ORDERS; o++) {
                sb.append(' ').append(z.nrFree(o));
            }
        }
        return sb.toString();
    }

    @State(Scope.Thread)
    public static class PairState {
        @Param({"fragmented", "pristine"})
        public String layout;

        @Param({"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE"})
        public String gfp;

        /** Order of the pair; 0 in the default run. */
        @Param({"0"})
        public int order;

        @Param({"16"})
        public int machineGiB;

        /** Per-CPU page lists: on as in the kernel, off for the bare buddy allocator. */
        @Param({"on", "off"})
        public String pcp;

        PageAllocator pa;
        int gfpBits;

        @Setup(Level.Trial)
        public void setup() {
            pa = boot(machineGiB, pcp);
            gfpBits = gfpBits(gfp);
            long held = 0;
            if (layout.equals("fragmented")) {
                held = fragment(pa, 42);
            } else if (!layout.equals("pristine")) {
                throw new IllegalArgumentException("layout " + layout);
            }
            System.out.println(describe(pa.memory(), held));
        }

        @TearDown(Level.Trial)
        public void check() {
            if (pa.allocFailures() != 0) {
                throw new IllegalStateException(pa.allocFailures() + " allocation failures in the alloc+free pair benchmark");
            }
        }
    }

    /** One allocation of {@code order} (0 by default) and its free; the pfn goes to JMH's blackhole. */
    @Benchmark
    public long allocFreePair(PairState s) {
        long pfn = s.pa.allocPages(s.gfpBits, s.order, 0, null, 0);
        s.pa.freePages(pfn, s.order);
        return pfn;
    }

    @State(Scope.Thread)
    public static class MixedState {
        static final int MASK = (1 << 16) - 1;

        @Param({"16"})
        public int machineGiB;

        @Param({"on", "off"})
        public String pcp;

        PageAllocator pa;
        /** Held folios: pfn (or -1 for an empty slot after ENOMEM) and order. */
        long[] heldPfn;
        byte[] heldOrder;
        /** Precomputed per-op choices, cycled with MASK. */
        byte[] order = new byte[MASK + 1];
        int[] slot = new int[MASK + 1];
        int[] gfpBits = new int[MASK + 1];
        int cursor;
        long ops;

        @Setup(Level.Trial)
        public void setup() {
            pa = boot(machineGiB, pcp);
            SplittableRandom rnd = new SplittableRandom(7);
            // Uniform orders 0..10 hold (2^11 - 1) / 11 ~ 186 pages on average: size the working
            // set to about half the machine.
            long pages = pa.memory().totalManagedPages();
            int slots = (int) (pages / 2 / ((double) ((1 << Zone.NR_PAGE_ORDERS) - 1) / Zone.NR_PAGE_ORDERS));
            heldPfn = new long[slots];
            heldOrder = new byte[slots];
            int kernel = Gfp.GFP_KERNEL.bits() | NOWARN;
            int movable = Gfp.GFP_HIGHUSER_MOVABLE.bits() | NOWARN;
            for (int k = 0; k <= MASK; k++) {
                order[k] = (byte) rnd.nextInt(Zone.NR_PAGE_ORDERS);
                slot[k] = rnd.nextInt(slots);
                gfpBits[k] = rnd.nextInt(4) == 0 ? kernel : movable;
            }
            for (int k = 0; k < slots; k++) {
                int o = rnd.nextInt(Zone.NR_PAGE_ORDERS);
                heldPfn[k] = pa.allocPages(rnd.nextInt(4) == 0 ? kernel : movable, o, 0, null, 0);
                heldOrder[k] = (byte) o;
            }
            long held = 0;
            for (int k = 0; k < slots; k++) {
                if (heldPfn[k] >= 0) {
                    held += 1L << heldOrder[k];
                }
            }
            System.out.println(describe(pa.memory(), held) + " slots " + slots);
        }

        @TearDown(Level.Trial)
        public void report() {
            System.out.printf("%n[teardown] %d ops, %d allocation failures (ENOMEM, %.3f%%)%n",
                    ops, pa.allocFailures(), ops == 0 ? 0 : 100.0 * pa.allocFailures() / ops);
        }
    }

    /** Allocate a random-order folio, then free the held folio it replaces. */
    @Benchmark
    public void mixedOrders(MixedState s, Blackhole bh) {
        int c = s.cursor++ & MixedState.MASK;
        int o = s.order[c];
        int k = s.slot[c];
        long pfn = s.pa.allocPages(s.gfpBits[c], o, 0, null, 0);
        long old = s.heldPfn[k];
        if (old >= 0) {
            s.pa.freePages(old, s.heldOrder[k]);
        }
        s.heldPfn[k] = pfn;
        s.heldOrder[k] = (byte) o;
        s.ops++;
        bh.consume(pfn);
    }
}
