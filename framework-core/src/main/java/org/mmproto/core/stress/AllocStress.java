package org.mmproto.core.stress;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.mmproto.api.Gfp;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;

/**
 * A seeded random mix of allocations and frees: orders 0-10 (mostly small, some THP-sized),
 * the GFP masks kernel code really uses, preferred nodes across the machine including memoryless
 * and private ones, issued from random CPUs. The mix follows a sawtooth: it leans toward allocation until memory is nearly
 * full or allocations keep failing, then toward freeing down to 40% use, so a run reaches the
 * watermarks, the migratetype fallbacks and the slow path again and again.
 */
public final class AllocStress {
    /** The masks drawn, with what issues them in the kernel. */
    static final int[] MASKS = {
        Gfp.GFP_HIGHUSER_MOVABLE.bits(),                         // anon/page cache faults
        Gfp.GFP_HIGHUSER_MOVABLE.bits(),
        Gfp.GFP_KERNEL.bits(),                                   // slab, page tables
        Gfp.GFP_KERNEL.or(Gfp.__GFP_RECLAIMABLE).bits(),         // reclaimable slab (dentries)
        Gfp.GFP_ATOMIC.bits(),                                   // interrupt context
        Gfp.GFP_NOWAIT.bits(),
        Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits(),            // per-node kernel structures
        Gfp.GFP_DMA32.bits(),                                    // 32-bit DMA buffers
        Gfp.GFP_KERNEL.or(Gfp.__GFP_NORETRY).or(Gfp.__GFP_NOWARN).bits(),
    };

    private final PageAllocator alloc;
    private final PhysicalMemory mem;
    private final SplittableRandom rnd;
    private final int[] cpuNodes;
    private long[] heldPfn = new long[1024];
    private int[] heldOrder = new int[1024];
    private int held;
    private final Stats stats = new Stats();

    /** Outcome counts of a run. */
    public static final class Stats {
        public long ops;
        public long allocs;
        public long allocFailed;
        public long frees;
        public long pagesHeldPeak;
        public long pagesHeld;
        /** Times the run reached memory pressure and turned to freeing. */
        public long pressurePhases;
    }

    public AllocStress(PageAllocator alloc, long seed) {
        this.alloc = alloc;
        this.mem = alloc.memory();
        this.rnd = new SplittableRandom(seed);
        // The allocating CPU's node: one entry per CPU, so busier nodes allocate more.
        this.cpuNodes = mem.nodes().stream().flatMap(n -> n.cpus().stream().map(c -> n.nid()))
                .mapToInt(Integer::intValue).toArray();
        if (cpuNodes.length == 0) {
            throw new IllegalArgumentException("machine " + mem.spec().name() + " has no CPUs");
        }
    }

    public Stats stats() {
        return stats;
    }

    /**
     * Runs {@code ops} steps. After each, {@code afterStep} gets the pfn the step touched (the
     * folio allocated or freed, or -1 when an allocation failed).
     */
    public void run(long ops, LongConsumer afterStep) {
        long managed = mem.totalManagedPages();
        boolean growing = true;
        int recentFailures = 0;
        for (long k = 0; k < ops; k++) {
            long touched;
            boolean doAlloc = held == 0 || rnd.nextInt(100) < (growing ? 75 : 25);
            if (doAlloc) {
                touched = allocOne();
                recentFailures = touched < 0 ? recentFailures + 1 : Math.max(0, recentFailures - 1);
            } else {
                touched = freeOne();
            }
            // Sawtooth: grow until memory is nearly full or allocations keep failing, then shrink.
            if (growing && (stats.pagesHeld * 100 >= managed * 97 || recentFailures >= 64)) {
                growing = false;
                stats.pressurePhases++;
            } else if (!growing && stats.pagesHeld * 100 <= managed * 40) {
                growing = true;
                recentFailures = 0;
            }
            stats.ops++;
            afterStep.accept(touched);
        }
    }

    /** Frees everything still held. */
    public void freeAll(LongConsumer afterStep) {
        while (held > 0) {
            afterStep.accept(freeOne());
        }
    }

    private int drawOrder() {
        int r = rnd.nextInt(100);
        if (r < 60) {
            return 0;
        }
        if (r < 80) {
            return 1 + rnd.nextInt(3);
        }
        if (r < 90) {
            return 4 + rnd.nextInt(5);
        }
        return r < 97 ? 9 : 10;
    }

    private long allocOne() {
        int order = drawOrder();
        int gfp = MASKS[rnd.nextInt(MASKS.length)];
        if (order == 9 && rnd.nextBoolean()) {
            gfp = Gfp.GFP_TRANSHUGE_LIGHT.bits();
        }
        int nid = rnd.nextInt(mem.nodeCount());
        int local = cpuNodes[rnd.nextInt(cpuNodes.length)];
        long pfn = alloc.allocPages(gfp, order, nid, null, local);
        if (pfn < 0) {
            stats.allocFailed++;
            return -1;
        }
        if (held == heldPfn.length) {
            heldPfn = Arrays.copyOf(heldPfn, held * 2);
            heldOrder = Arrays.copyOf(heldOrder, held * 2);
        }
        heldPfn[held] = pfn;
        heldOrder[held] = order;
        held++;
        stats.allocs++;
        stats.pagesHeld += 1L << order;
        stats.pagesHeldPeak = Math.max(stats.pagesHeldPeak, stats.pagesHeld);
        return pfn;
    }

    private long freeOne() {
        int k = rnd.nextInt(held);
        long pfn = heldPfn[k];
        int order = heldOrder[k];
        held--;
        heldPfn[k] = heldPfn[held];
        heldOrder[k] = heldOrder[held];
        alloc.freePages(pfn, order);
        stats.frees++;
        stats.pagesHeld -= 1L << order;
        return pfn;
    }

}
