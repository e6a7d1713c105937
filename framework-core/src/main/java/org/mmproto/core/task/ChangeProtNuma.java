package org.mmproto.core.task;

import org.mmproto.core.mm.Memmap;

/**
 * change_prot_numa: the NUMA-balancing scanner's marking of a range PROT_NONE, so the next touch
 * of each entry is a hint fault (do_numa_page). Present entries of user folios are marked, the
 * zero page and entries already PROT_NONE are left, and the caller's {@link Filter} says which
 * folios the scan skips (the top tier in tiering mode, pinned folios). PMD-mapped THP entries are
 * left alone (change_huge_pmd is not modelled).
 */
public final class ChangeProtNuma {
    /** prot_numa's per-folio skip rules, owned by the scanner. */
    @FunctionalInterface
    public interface Filter {
        /** Whether the folio at {@code head} on node {@code nid} is marked (and its access time noted). */
        boolean mark(long head, int nid);
    }

    private final Rmap rmap;
    private final Memmap mm;

    public ChangeProtNuma(Rmap rmap, Memmap mm) {
        this.rmap = rmap;
        this.mm = mm;
    }

    /** Marks [start, end) of {@code vma}; returns the entries updated (numa_pte_updates). */
    public long mark(Vma vma, long start, long end, Filter filter) {
        long updated = 0;
        long lastHead = -1;
        boolean lastMarked = false;
        for (long a = vma.nextMapped(start, end); a < end; a = vma.nextMapped(a + Mm.PAGE_SIZE, end)) {
            long pte = vma.pte(a);
            if (!Pte.present(pte) || (pte & (Pte.PROTNONE | Pte.ZERO | Pte.HUGE)) != 0) {
                continue;
            }
            long head = rmap.folioHead(pte);
            if (head != lastHead) {
                lastHead = head;
                lastMarked = filter.mark(head, mm.nid(head));
            }
            if (lastMarked) {
                vma.setPte(a, pte | Pte.PROTNONE);
                updated++;
            }
        }
        return updated;
    }
}
