package org.mmproto.core.task;

import java.util.List;
import org.mmproto.core.mm.Memmap;

/**
 * Folio lookups over the page tables: the head of the folio an entry or a pfn belongs to, and
 * the reverse map ({@link Mappings}): an anonymous folio mapped once is found through the VMA and
 * address its fault recorded ({@link AnonFolioMapping}), every other folio by a walk over every
 * task and memfd.
 */
public final class Rmap {
    private final Memmap memmap;
    private final Tasks tasks;
    private final AnonFolioMapping anon = new AnonFolioMapping();

    public Rmap(Memmap memmap, Tasks tasks) {
        this.memmap = memmap;
        this.tasks = tasks;
    }

    /** A new anonymous folio at pfn is mapped at addr of vma (the fault path's two stores). */
    void anonFault(long pfn, Vma vma, long addr) {
        anon.set(pfn, vma, addr);
    }

    /**
     * The one page-table entry that maps the order-0 anonymous folio head, as its fault (or its
     * migration) recorded it, when the record still holds and the folio has no other mapping
     * (mapcount 1); null when only a full walk can tell.
     */
    Vma soleAnonMapping(long head) {
        if (!memmap.isFolioHead(head) || memmap.order(head) != 0 || (memmap.flags(head) & Memmap.PG_ANON) == 0
                || memmap.mapcount(head) != 1) {
            return null;
        }
        Vma v = anon.vma(head);
        if (v == null) {
            return null;
        }
        long pte = v.pte(anon.addr(head));
        boolean maps = Pte.present(pte) && (pte & Pte.ZERO) == 0 && !Pte.isPmd(pte) && Pte.pfn(pte) == head;
        return maps ? v : null;
    }

    /** The address {@link #soleAnonMapping} found the entry at. */
    long soleAnonAddr(long head) {
        return anon.addr(head);
    }

    /**
     * The head of the folio a present entry maps: only THP entries (Pte.HUGE) map large folios,
     * so every other entry maps an order-0 folio whose head is its own pfn.
     */
    public long folioHead(long pte) {
        long pfn = Pte.pfn(pte);
        return (pte & Pte.HUGE) == 0 ? pfn : headOf(pfn);
    }

    /** The head pfn of the folio containing pfn (walks back to the head of a large folio). */
    public long headOf(long pfn) {
        for (int o = 0; o <= 10; o++) {
            long head = pfn & -(1L << o);
            if (memmap.isFolioHead(head) && memmap.order(head) >= o) {
                return head;
            }
        }
        throw new IllegalStateException(String.format("pfn 0x%x is in no allocated folio", pfn));
    }

    /** rmap_walk for {@code folioHeads}: every entry and page-cache slot that maps them. */
    public Mappings index(List<Long> folioHeads) {
        return Mappings.index(this, tasks, folioHeads);
    }

    /** The same by the full walk alone, ignoring the fault-time records (what they must agree with). */
    Mappings indexByWalk(List<Long> folioHeads) {
        return Mappings.index(this, tasks, folioHeads, false);
    }
}
