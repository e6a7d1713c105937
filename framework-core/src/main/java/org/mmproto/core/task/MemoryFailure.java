package org.mmproto.core.task;

import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.core.mm.Memmap;

/**
 * memory_failure() for an allocated folio (mm/memory-failure.c, simplified): the folio is marked
 * PG_hwpoison, the driver of a private node is told, every mapping and the page-cache slot are
 * removed, and one reference is kept forever so the bad memory never returns to the allocator.
 * A task touching the address again faults in a fresh page (the kernel would also send SIGBUS
 * to tasks that had the data dirty; that is not modelled).
 */
public final class MemoryFailure {
    private final MmCore k;
    private final Rmap rmaps;

    public MemoryFailure(MmCore k, Rmap rmaps) {
        this.k = k;
        this.rmaps = rmaps;
    }

    /** Poisons the folio containing {@code pfn}; 0, or -EBUSY for a pfn in no allocated folio. */
    public int poison(long pfn) {
        Memmap mm = k.memmap();
        long head;
        try {
            head = rmaps.headOf(pfn);
        } catch (IllegalStateException free) {
            return -Errno.EBUSY.code(); // free pages would be taken off the buddy lists: not modelled
        }
        if (head == k.zeroPfn()) {
            return -Errno.EBUSY.code();
        }
        if ((mm.flags(head) & Memmap.PG_HWPOISON) != 0) {
            return 0; // already handled
        }
        mm.setFlags(head, Memmap.PG_HWPOISON);
        if (k.dispatcher() != null) {
            k.dispatcher().memoryFailure(head, pfn);
        }
        Mappings rmap = rmaps.index(List.of(head));
        int refs = rmap.unmapAll(head, mm);
        // drop the references the mappings and the page cache held, and take one for the poison:
        // whoever else holds the folio (a pin, a kernel owner) can put it, it never gets freed
        mm.addMapcount(head, -mm.mapcount(head));
        mm.addRefs(head, 1 - refs);
        return 0;
    }
}
