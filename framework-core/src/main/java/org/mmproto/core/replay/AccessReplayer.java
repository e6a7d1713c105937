package org.mmproto.core.replay;

import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * Memory accesses of a trace applied to a task's address space as the CPU would: an access to
 * a page whose PTE already allows it with the accessed (and, for a store, dirty) bit set
 * changes nothing, as on hardware, and costs one PTE read; every other access goes through the
 * engine's fault path (first touch, copy-on-write, a NUMA hint fault on a PROT_NONE entry, a
 * swap-in, a store to a write-protected private node, an accessed bit reclaim cleared). Stores
 * to a private node always take the fault path, which reports them to its driver.
 *
 * <p>With {@code autoMap}, an access outside every VMA maps the free part of its 2 MiB-aligned
 * window as private anonymous memory first (the declared layout of an access trace recorded in
 * another process, e.g. under valgrind); without it, the access is counted as a SIGSEGV.
 */
public final class AccessReplayer implements AccessSink {
    private static final long WINDOW = Mm.PMD_SIZE;
    private final MmOps ops;
    private final Task task;
    private final boolean autoMap;
    private final ReplayClock clock;
    private final Dispatcher dispatcher;
    private final Memmap memmap;
    private final boolean privateNodes;
    private long nextTickNs = Long.MIN_VALUE;
    private Vma cachedVma;
    private long accesses;
    private long stores;
    private long slowPath;
    private long segv;
    private long autoMapped;
    private long autoMappedBytes;

    public AccessReplayer(Kernel k, Task task, boolean autoMap, ReplayClock clock) {
        this.ops = k.mmOps();
        this.task = task;
        this.autoMap = autoMap;
        this.clock = clock;
        this.dispatcher = k.dispatcher();
        this.memmap = k.memmap();
        this.privateNodes = dispatcher != null && dispatcher.hasPrivateNodes();
    }

    /** Both pages when the access straddles two. */
    @Override
    public void access(long addr, int size, boolean write, long ns) {
        if (ns >= nextTickNs) {
            tick(ns);
        }
        accesses++;
        if (write) {
            stores++;
        }
        long page = addr & -Mm.PAGE_SIZE;
        page(page, write);
        long last = (addr + Math.max(size, 1) - 1) & -Mm.PAGE_SIZE;
        if (last != page) {
            page(last, write);
        }
    }

    /** A DAMON-style access: a store when the page holds nothing yet (the recorded program's data), else a load. */
    @Override
    public void populate(long addr, long ns) {
        long page = addr & -Mm.PAGE_SIZE;
        Vma v = task.mm() == null ? null : task.mm().find(page);
        boolean present = v != null && Pte.present(v.pte(page));
        access(page, 1, !present, ns);
    }

    private void tick(long ns) {
        clock.at(ns);
        cachedVma = null;
        nextTickNs = clock.nextTickTraceNs();
    }

    private void page(long page, boolean write) {
        Vma v = cachedVma;
        if (v == null || page < v.start() || page >= v.end()) {
            v = task.mm() == null ? null : task.mm().find(page);
            cachedVma = v;
        }
        if (v != null && fast(v.pte(page), write)) {
            return;
        }
        slowPath++;
        if (v == null && autoMap && task.mm() != null) {
            mapWindow(page);
        }
        int r = ops.touch(task, page, Mm.PAGE_SIZE, write);
        if (r < 0) {
            segv++;
        }
        cachedVma = null; // the fault may have split or replaced the VMA
    }

    private boolean fast(long pte, boolean write) {
        if ((pte & (Pte.PRESENT | Pte.PROTNONE | Pte.YOUNG)) != (Pte.PRESENT | Pte.YOUNG) || Pte.isPmd(pte)) {
            return false;
        }
        if (!write) {
            return true;
        }
        if ((pte & (Pte.WRITE | Pte.DIRTY)) != (Pte.WRITE | Pte.DIRTY)) {
            return false;
        }
        return !privateNodes || !dispatcher.isPrivate(memmap.nid(Pte.pfn(pte)));
    }

    private void mapWindow(long page) {
        long lo = Math.max(page & -WINDOW, MmOps.MMAP_MIN_ADDR);
        long hi = (page & -WINDOW) + WINDOW;
        for (Vma o : task.mm().intersecting(lo, hi)) {
            if (o.end() <= page) {
                lo = Math.max(lo, o.end());
            } else if (o.start() > page) {
                hi = Math.min(hi, o.start());
            }
        }
        long r = ops.mmap(task, lo, hi - lo, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS | MmOps.MAP_FIXED, null, 0, "replay");
        if (r >= 0) {
            autoMapped++;
            autoMappedBytes += hi - lo;
        }
    }

    public long accesses() {
        return accesses;
    }

    public long stores() {
        return stores;
    }

    /** Accesses that went through the engine's fault path (not a PTE that already allowed them). */
    public long slowPath() {
        return slowPath;
    }

    /** Accesses the address space refused (no VMA, or its protection): a real program would get SIGSEGV. */
    public long segv() {
        return segv;
    }

    public long autoMappedRegions() {
        return autoMapped;
    }

    public long autoMappedBytes() {
        return autoMappedBytes;
    }
}
