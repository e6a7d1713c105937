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
     * folio_likely_mapped_shared: a small folio with more than one mapping; a large folio whose
     * pages are mapped more than once (mapcount above its page count; the engine maps THPs
     * whole).
     */
    static boolean likelyShared(Memmap mm, long head) {
        int order = mm.order(head);
        return order == 0 ? mm.mapcount(head) > 1 : mm.mapcount(head) > (1 << order);
    }

    /** page_mapcount of one page of the folio (numa_maps mapmax). */
    static int pageMapcount(Memmap mm, long head) {
        return mm.mapcount(head) >> mm.order(head);
    }

    /** folio_isolate_lru can take it: it is on an LRU list and is not the zero page. */
    static boolean onLru(Memmap mm, long head) {
        int f = mm.flags(head);
        return (f & Memmap.PG_LRU) != 0 && (f & Memmap.PG_ZERO_PAGE) == 0;
    }
}
