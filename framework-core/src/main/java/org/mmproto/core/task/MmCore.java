package org.mmproto.core.task;

import org.mmproto.api.Gfp;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;

/**
 * The memory services the layers above mm use: the booted physical memory (nodes, zones,
 * vmstat), the page allocator, folio release (mm/swap.c), the memmap, the private-node
 * dispatcher (null only for kernels booted with a bare checkpoint) and the shared zero page.
 *
 * @param zeroPfn the shared zero page: one reserved page of the first node with normal memory, never freed
 */
public record MmCore(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease, Memmap memmap,
                     Dispatcher dispatcher, long zeroPfn) {
    /** The memmap over {@code mem} and the zero page allocated from {@code alloc}. */
    public static MmCore boot(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease,
                              Dispatcher dispatcher) {
        Memmap memmap = new Memmap(mem);
        return new MmCore(mem, alloc, folioRelease, memmap, dispatcher, allocZeroPage(mem, alloc, memmap));
    }

    private static long allocZeroPage(PhysicalMemory mem, PageAllocator alloc, Memmap memmap) {
        for (Node n : mem.nodes()) {
            if (n.inNNormalMemory()) {
                long pfn = alloc.allocPages(Gfp.GFP_KERNEL.bits(), 0, n.nid(), null, n.nid());
                if (pfn >= 0) {
                    memmap.setFlags(pfn, Memmap.PG_ZERO_PAGE);
                    return pfn;
                }
            }
        }
        throw new IllegalStateException("no node with normal memory for the zero page");
    }
}
