package org.mmproto.core.policy;

import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.Pte;

/** Folio facts the NUMA syscalls need about a mapped page. */
final class UserFolios {
    private UserFolios() {
    }

    /** A present entry that maps a real folio (vm_normal_folio: not the zero page). */
    static boolean mapsFolio(long pte) {
        return Pte.present(pte) && (pte & Pte.ZERO) == 0;
    }

    /**
     * folio_likely_mapped_shared: a small folio with more than one mapping; a large folio with
     * more than one mapping of which one is a whole-folio PMD, or with more mappings than pages
     * (the first subpage's own count, the kernel's last guess, is not kept).
     */
    static boolean likelyShared(Memmap mm, long head) {
        int order = mm.order(head);
        int mapcount = mm.mapcount(head);
        if (order == 0 || mapcount <= 1) {
            return mapcount > 1;
        }
        return mm.entireMapcount(head) > 0 || mapcount > (1 << order);
    }

    /** page_mapcount of one page of the folio (numa_maps mapmax): its PMD mappings plus its share of the PTE ones. */
    static int pageMapcount(Memmap mm, long head) {
        int entire = mm.entireMapcount(head);
        return entire + ((mm.mapcount(head) - entire) >> mm.order(head));
    }

    /** folio_isolate_lru can take it: it is on an LRU list and is not the zero page. */
    static boolean onLru(Memmap mm, long head) {
        int f = mm.flags(head);
        return (f & Memmap.PG_LRU) != 0 && (f & Memmap.PG_ZERO_PAGE) == 0;
    }
}
