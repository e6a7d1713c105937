package org.mmproto.core.mm;

import org.mmproto.api.MigrateType;
import org.mmproto.api.ZoneType;

/**
 * Pages that are not the allocator's to hand out: the shared zero page is
 * {@code empty_zero_page}, part of the kernel image, which memblock reserves before the buddy
 * allocator exists. The engine has no kernel image, so it takes one page out of the free lists at
 * boot with no allocation: no pgalloc_*, no NUMA event, no per-CPU list refill. The page stays
 * in managed memory (no memblock reservations here) and holds one reference, never dropped.
 */
public final class ReservedPages {
    private ReservedPages() {
    }

    /** An order-0 page of node {@code nid}'s highest populated zone up to ZONE_NORMAL, or -1. */
    public static long reserve(PhysicalMemory mem, int nid, int flags) {
        Node n = mem.node(nid);
        for (int t = ZoneType.NORMAL.ordinal(); t >= 0; t--) {
            Zone z = n.zone(ZoneType.values()[t]);
            if (z == null || !z.populated()) {
                continue;
            }
            // whatever free list holds it: a reservation claims no pageblock
            for (MigrateType mt : new MigrateType[] {MigrateType.UNMOVABLE, MigrateType.MOVABLE, MigrateType.RECLAIMABLE}) {
                int i = Buddy.rmqueueSmallest(z, 0, mt.ordinal());
                if (i >= 0) {
                    z.state[i] = PageState.head(0, mt.ordinal());
                    z.next[i] = 1;
                    z.prev[i] = flags & ~Memmap.MAPCOUNT_MASK;
                    z.reservedPages++;
                    return z.startPfn + i;
                }
            }
        }
        return -1;
    }
}
