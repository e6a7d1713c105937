package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;

/**
 * The LRU advice of madvise(2), after Linux 6.12 mm/madvise.c and mm/swap.c:
 * <ul>
 * <li>MADV_COLD (madvise_cold_or_pageout_pte_range, pageout false): each folio the range maps
 *     exclusively loses the accessed bit of its entries here and PG_referenced; an active one
 *     moves to the head of its inactive list (lru_deactivate: pgdeactivate).</li>
 * <li>MADV_PAGEOUT (pageout true): the same folios are isolated and handed to reclaim_pages at
 *     once, which ignores their references and never demotes (reclaim_folio_list's
 *     {@code no_demotion}); what it does is the reclaim subsystem's ({@link FolioReclaim}).</li>
 * <li>MADV_FREE (madvise_free_pte_range, anonymous VMAs only): swap entries in the range are
 *     dropped, present entries lose their accessed and dirty bits, and each anon swap-backed folio
 *     becomes lazyfree (lru_lazyfree: PG_swapbacked cleared, moved to the inactive file list,
 *     pglazyfree), so reclaim drops it without swap unless it is written again.</li>
 * </ul>
 * The VMA walk is madvise_walk_vmas: each VMA in the range is advised, a hole makes the result
 * ENOMEM after the rest was done, a VMA's own error (EINVAL) ends the call. Simplifications: a
 * large folio the range covers only in part is left alone (the kernel tries split_folio first),
 * and MADV_PAGEOUT reclaims everything it isolated in one reclaim_pages call at the end rather
 * than one per page-table page.
 */
final class LruAdvice {
    static final int MADV_FREE = 8;
    static final int MADV_COLD = 20;
    static final int MADV_PAGEOUT = 21;

    private final MmCore k;
    private final Rmap rmap;
    private FolioReclaim reclaim = FolioReclaim.NONE;

    LruAdvice(MmCore k, Rmap rmap) {
        this.k = k;
        this.rmap = rmap;
    }

    void attach(FolioReclaim r) {
        this.reclaim = r;
    }

    static boolean handles(int advice) {
        return advice == MADV_COLD || advice == MADV_PAGEOUT || advice == MADV_FREE;
    }

    /** madvise_walk_vmas over [start, end) (page aligned, non-empty) with one of the three advices. */
    int madvise(Mm mm, long start, long end, int advice) {
        if (mm == null) {
            return -Errno.ENOMEM.code();
        }
        int unmapped = 0;
        long cur = start;
        List<Long> isolated = new ArrayList<>();
        try {
            for (Vma v : mm.intersecting(start, end)) {
                if (cur < v.start) {
                    unmapped = -Errno.ENOMEM.code(); // a hole: advised around it, reported at the end
                    cur = v.start;
                }
                long to = Math.min(end, v.end);
                if (advice == MADV_FREE) {
                    if (!v.isAnon()) {
                        return -Errno.EINVAL.code(); // madvise_free_single_vma: !vma_is_anonymous
                    }
                    free(v, cur, to);
                } else {
                    // can_madv_lru_vma: the model has no VM_LOCKED, VM_PFNMAP or VM_HUGETLB VMAs
                    coldOrPageout(v, cur, to, advice == MADV_PAGEOUT ? isolated : null);
                }
                cur = v.end;
            }
        } finally {
            if (!isolated.isEmpty()) {
                reclaim.reclaimPages(isolated);
            }
        }
        return cur < end ? -Errno.ENOMEM.code() : unmapped;
    }

    /** One VMA's part; {@code pageout} collects the folios for reclaim_pages (null: MADV_COLD). */
    private void coldOrPageout(Vma v, long start, long end, List<Long> pageout) {
        for (long a = v.nextMapped(start, end); a < end; a = v.nextMapped(a + Mm.PAGE_SIZE, end)) {
            long pte = v.pte(a);
            if (Pte.isPmd(pte)) {
                long haddr = a & -Mm.PMD_SIZE;
                long head = rmap.folioHead(pte);
                if (haddr >= start && haddr + Mm.PMD_SIZE <= end && exclusive(head, 1)) {
                    if (pageout == null) {
                        v.setPmd(haddr, v.pmd(haddr) & ~Pte.YOUNG);
                        deactivate(head);
                    } else {
                        pageout.add(head);
                    }
                }
                a = haddr + Mm.PMD_SIZE - Mm.PAGE_SIZE;
                continue;
            }
            if (!Pte.present(pte) || (pte & Pte.ZERO) != 0) {
                continue;
            }
            long head = rmap.folioHead(pte);
            int nr = coveredFolio(v, a, end, pte, head);
            if (nr <= 0) {
                continue;
            }
            if (pageout == null) {
                for (int i = 0; i < nr; i++) {
                    long p = a + i * Mm.PAGE_SIZE;
                    v.setPte(p, v.pte(p) & ~Pte.YOUNG);
                }
                deactivate(head);
            } else {
                pageout.add(head);
            }
            a += (nr - 1) * Mm.PAGE_SIZE;
        }
    }

    /** madvise_free_pte_range (and madvise_free_huge_pmd) over one anonymous VMA's part. */
    private void free(Vma v, long start, long end) {
        Memmap mm = k.memmap();
        for (long a = v.nextMapped(start, end); a < end; a = v.nextMapped(a + Mm.PAGE_SIZE, end)) {
            long pte = v.pte(a);
            if (Pte.isPmd(pte)) {
                long haddr = a & -Mm.PMD_SIZE;
                long head = rmap.folioHead(pte);
                if (haddr >= start && haddr + Mm.PMD_SIZE <= end && mm.mapcount(head) == 1) {
                    v.setPmd(haddr, v.pmd(haddr) & ~(Pte.YOUNG | Pte.DIRTY));
                    markLazyfree(head);
                }
                a = haddr + Mm.PMD_SIZE - Mm.PAGE_SIZE;
                continue;
            }
            if (Pte.isSwap(pte)) {
                v.setPte(a, 0); // free_swap_and_cache_nr: the swapped-out contents are discarded
                k.swap().put(Pte.swapSlot(pte));
                continue;
            }
            if (!Pte.present(pte) || (pte & Pte.ZERO) != 0) {
                continue;
            }
            long head = rmap.folioHead(pte);
            int nr = mm.order(head) == 0 ? 1 : coveredFolio(v, a, end, pte, head);
            if (nr <= 0) {
                continue;
            }
            if ((mm.flags(head) & Memmap.PG_DIRTY) != 0) {
                if (mm.mapcount(head) != 1 << mm.order(head)) {
                    continue; // a dirty folio mapped elsewhere too is left alone
                }
                mm.clearFlags(head, Memmap.PG_DIRTY);
            }
            for (int i = 0; i < nr; i++) {
                long p = a + i * Mm.PAGE_SIZE;
                v.setPte(p, v.pte(p) & ~(Pte.YOUNG | Pte.DIRTY));
            }
            markLazyfree(head);
            a += (nr - 1) * Mm.PAGE_SIZE;
        }
    }

    /**
     * How many pages from {@code a} this folio covers when the advice may take it: an LRU folio
     * mapped exclusively (mapcount equal to its pages) whose every page lies in [a, end) starting
     * at its head; 0 to leave it alone.
     */
    private int coveredFolio(Vma v, long a, long end, long pte, long head) {
        Memmap mm = k.memmap();
        int nr = 1 << mm.order(head);
        if (nr > 1 && (Pte.pfn(pte) != head || a + (long) nr * Mm.PAGE_SIZE > end)) {
            return 0;
        }
        return exclusive(head, nr) ? nr : 0;
    }

    private boolean exclusive(long head, int mapcount) {
        return k.lru().listOf(head) >= 0 && k.memmap().mapcount(head) == mapcount;
    }

    /** folio_clear_referenced, then folio_deactivate (lru_deactivate): only an active folio moves. */
    private void deactivate(long head) {
        Lru lru = k.lru();
        lru.setReferenced(head, false);
        int list = lru.listOf(head);
        if (Lru.isActive(list)) {
            lru.move(head, list - 1);
            k.mem().count(k.memmap().nid(head), VmStat.PGDEACTIVATE, 1L << lru.orderOf(head));
        }
    }

    /** folio_mark_lazyfree / lru_lazyfree: an anon, swap-backed folio on an LRU list. */
    private void markLazyfree(long head) {
        Memmap mm = k.memmap();
        int f = mm.flags(head);
        Lru lru = k.lru();
        if ((f & Memmap.PG_ANON) == 0 || (f & Memmap.PG_SWAPBACKED) == 0 || lru.listOf(head) < 0) {
            return;
        }
        lru.del(head);
        mm.clearFlags(head, Memmap.PG_SWAPBACKED);
        int order = mm.order(head);
        lru.addTo(head, order, Lru.INACTIVE_FILE); // not swap-backed: folio_is_file_lru
        k.mem().count(mm.nid(head), VmStat.PGLAZYFREE, 1L << order);
    }
}
