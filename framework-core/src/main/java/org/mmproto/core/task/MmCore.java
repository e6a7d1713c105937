package org.mmproto.core.task;

import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.ReservedPages;
import org.mmproto.core.mm.Shrinkers;
import org.mmproto.core.mm.SwapSpace;

/**
 * The memory services the layers above mm use: the booted physical memory (nodes, zones,
 * vmstat), the page allocator, folio release (mm/swap.c), the memmap, the private-node
 * dispatcher (null only for kernels booted with a bare checkpoint) and the shared zero page.
 *
 * @param lru the per-node LRU lists (lruvec) every user folio joins
 * @param swap the swap device (no swap until swapon)
 * @param shrinkers what shrink_node's shrink_slab calls (the THP deferred-split shrinker)
 * @param zeroPfn the shared zero page: one reserved page of the first node with normal memory, never freed
 */
public record MmCore(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease, Memmap memmap,
                     Dispatcher dispatcher, long zeroPfn, Lru lru, SwapSpace swap, Shrinkers shrinkers) {
    /** The memmap over {@code mem} and the zero page, reserved at boot (not allocated: no pgalloc, no NUMA event). */
    public static MmCore boot(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease,
                              Dispatcher dispatcher) {
        Memmap memmap = new Memmap(mem);
        Lru lru = new Lru(mem);
        folioRelease.setLru(lru);
        return new MmCore(mem, alloc, folioRelease, memmap, dispatcher, reserveZeroPage(mem), lru, new SwapSpace(),
                new Shrinkers());
    }

    private static long reserveZeroPage(PhysicalMemory mem) {
        for (Node n : mem.nodes()) {
            if (n.inNNormalMemory()) {
                long pfn = ReservedPages.reserve(mem, n.nid(), Memmap.PG_ZERO_PAGE);
                if (pfn >= 0) {
                    return pfn;
                }
            }
        }
        throw new IllegalStateException("no node with normal memory for the zero page");
    }
}
