package org.mmproto.core.reclaim;

import org.mmproto.core.fault.FailPoint;
import org.mmproto.core.fault.FaultInjector;
import java.util.ArrayList;
import java.util.List;
import org.mmproto.api.FreePath;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.SwapSpace;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.Mappings;
import org.mmproto.core.tier.Demotion;

/**
 * shrink_node over one node's LRU lists, after mm/vmscan.c with the classic (non-MGLRU) lists:
 * <ul>
 * <li>get_scan_count, simplified: anon is scanned only when the node's policy may swap and swap
 *     has a free slot (can_reclaim_anon_pages); each list is scanned {@code size >> priority}
 *     pages at a time (at least {@code min(size, SWAP_CLUSTER_MAX)}); no swappiness balance.</li>
 * <li>shrink_active_list when the inactive list is low (inactive_is_low: inactive × √(10 × GiB)
 *     &lt; active): every folio scanned (pgrefill) has its accessed bits cleared and moves to
 *     the inactive list (pgdeactivate); there are no VM_EXEC file folios to keep active.</li>
 * <li>shrink_inactive_list with folio_check_references: referenced by a page-table entry and
 *     already PG_referenced (or by several entries) → activate (pgactivate); referenced once →
 *     PG_referenced and another trip round the inactive list (the second chance); not
 *     referenced → reclaim. Anon folios are reclaimed by swap-out (one slot per page; a large
 *     folio needs as many free slots, else it is activated, as when add_to_swap fails).</li>
 * </ul>
 * Simplifications: zone eligibility of the scanned folios is ignored (no pgskip), isolation is
 * synchronous (nothing races), folios with references beyond their mappings (pins, GUP, the
 * page cache) are put back, and shmem/memfd folios, which are swap-backed and sit on the anon
 * lists, are kept: shmem swap-out is not modelled, and there is no unmapped file page cache.
 */
final class Vmscan {
    private final MmCore k;
    private final Rmap rmaps;
    private final Lru lru;
    private final SwapSpace swap;
    private final FaultInjector faults;
    private final Memmap mm;
    /** demote_folio_list; null when the kernel has no tiering (allocator tests). */
    private Demotion demotion;

    Vmscan(MmCore k, Rmap rmaps) {
        this.k = k;
        this.rmaps = rmaps;
        this.lru = k.lru();
        this.swap = k.swap();
        this.faults = k.mem().faults();
        this.mm = k.memmap();
    }

    void attachDemotion(Demotion d) {
        this.demotion = d;
    }

    /** can_demote: demotion enabled and the node has a demotion target. */
    boolean canDemote(int nid) {
        return demotion != null && demotion.canDemote(nid);
    }

    /** may_swap and can_reclaim_anon_pages (a free swap slot, or demotion possible) under the node's policy. */
    boolean canReclaimAnon(ScanControl sc) {
        return sc.policy.maySwap() && (swap.freePages() > 0 || canDemote(sc.nid));
    }

    /** Whether the node has LRU pages this scan could take at all. */
    boolean hasReclaimable(int nid, boolean anon) {
        anon |= canDemote(nid);
        long n = lru.pages(nid, Lru.INACTIVE_FILE) + lru.pages(nid, Lru.ACTIVE_FILE);
        if (anon) {
            n += lru.pages(nid, Lru.INACTIVE_ANON) + lru.pages(nid, Lru.ACTIVE_ANON);
        }
        return n > 0;
    }

    /** shrink_node at sc.priority; returns the pages this pass reclaimed. */
    long shrinkNode(ScanControl sc) {
        if (!sc.policy.active()) {
            return 0;
        }
        long before = sc.nrReclaimed;
        if (canReclaimAnon(sc)) {
            shrinkLists(sc, Lru.INACTIVE_ANON);
        }
        shrinkLists(sc, Lru.INACTIVE_FILE);
        k.shrinkers().shrink(sc.nid, sc.priority); // shrink_slab: what it frees is not nr_reclaimed here
        return sc.nrReclaimed - before;
    }

    private void shrinkLists(ScanControl sc, int inactive) {
        int active = inactive + 1;
        if (inactiveIsLow(sc.nid, inactive)) {
            shrinkActiveList(sc, active, scanCount(sc, active));
        }
        // in SWAP_CLUSTER_MAX chunks, stopping once the goal is met (shrink_lruvec)
        for (long left = scanCount(sc, inactive); left > 0 && sc.nrReclaimed < sc.reclaimGoal; ) {
            long chunk = Math.min(left, ScanControl.SWAP_CLUSTER_MAX);
            long scanned = shrinkInactiveList(sc, inactive, chunk);
            if (scanned == 0) {
                break;
            }
            left -= scanned;
        }
    }

    private long scanCount(ScanControl sc, int list) {
        long size = lru.pages(sc.nid, list);
        long scan = size >> sc.priority;
        return scan > 0 ? scan : Math.min(size, ScanControl.SWAP_CLUSTER_MAX);
    }

    boolean inactiveIsLow(int nid, int inactiveList) {
        long inactive = lru.pages(nid, inactiveList);
        long active = lru.pages(nid, inactiveList + 1);
        long gb = (inactive + active) >> (30 - 12);
        long ratio = gb > 0 ? (long) Math.sqrt(10.0 * gb) : 1;
        return inactive * ratio < active;
    }

    /** Folio heads from the list's tail covering up to {@code pages} pages (isolate_lru_folios). */
    private List<Long> isolate(int nid, int list, long pages) {
        List<Long> out = new ArrayList<>();
        long taken = 0;
        for (long f = lru.tail(nid, list); f >= 0 && taken < pages; f = lru.newer(f)) {
            out.add(f);
            taken += 1L << lru.orderOf(f);
        }
        return out;
    }

    private void shrinkActiveList(ScanControl sc, int list, long pages) {
        List<Long> batch = isolate(sc.nid, list, pages);
        if (batch.isEmpty()) {
            return;
        }
        Mappings rmap = rmaps.index(batch);
        long scanned = 0;
        for (long f : batch) {
            long nr = 1L << lru.orderOf(f);
            scanned += nr;
            rmap.referenced(f);
            lru.move(f, list - 1);
        }
        k.mem().count(sc.nid, VmStat.PGREFILL, scanned);
        k.mem().count(sc.nid, VmStat.PGDEACTIVATE, scanned);
    }

    private enum Ref { ACTIVATE, KEEP, RECLAIM }

    /** Returns the pages scanned. */
    private long shrinkInactiveList(ScanControl sc, int list, long pages) {
        List<Long> batch = isolate(sc.nid, list, pages);
        if (batch.isEmpty()) {
            return 0;
        }
        boolean file = Lru.isFile(list);
        Mappings rmap = rmaps.index(batch);
        long scanned = 0;
        long reclaimed = 0;
        long activated = 0;
        boolean demotePass = canDemote(sc.nid);
        List<Long> demote = new ArrayList<>();
        for (long f : batch) {
            int order = lru.orderOf(f);
            long nr = 1L << order;
            scanned += nr;
            Ref r = checkReferences(f, rmap, file);
            if (r == Ref.RECLAIM && demotePass) {
                demote.add(f); // shrink_folio_list's demote_folios
                continue;
            }
            activated += putBack(sc, f, order, r, list, rmap);
        }
        if (!demote.isEmpty()) {
            long[] nr = new long[demote.size()];
            int[] orders = new int[demote.size()];
            for (int i = 0; i < nr.length; i++) {
                orders[i] = lru.orderOf(demote.get(i));
                nr[i] = 1L << orders[i];
            }
            boolean[] moved = demotion.demote(sc.nid, demote, sc.who.demote);
            for (int i = 0; i < moved.length; i++) {
                if (moved[i]) {
                    reclaimed += nr[i]; // nr_reclaimed += nr_demoted
                } else if (sc.who == Reclaimer.PROACTIVE) {
                    lru.move(demote.get(i), list); // proactive reclaim puts failed demotions back
                } else {
                    // retried through normal reclaim with demotion off (swap, or kept)
                    activated += putBack(sc, demote.get(i), orders[i], Ref.RECLAIM, list, rmap);
                }
            }
        }
        reclaimed += freedNow;
        freedNow = 0;
        sc.nrScanned += scanned;
        sc.nrReclaimed += reclaimed;
        k.mem().count(sc.nid, sc.who.scan, scanned);
        k.mem().count(sc.nid, file ? VmStat.PGSCAN_FILE : VmStat.PGSCAN_ANON, scanned);
        k.mem().count(sc.nid, sc.who.steal, reclaimed);
        k.mem().count(sc.nid, file ? VmStat.PGSTEAL_FILE : VmStat.PGSTEAL_ANON, reclaimed);
        k.mem().count(sc.nid, VmStat.PGACTIVATE, activated);
        return scanned;
    }

    /** Pages freed by swap-out in the current shrinkInactiveList call. */
    private long freedNow;

    /** What happens to a scanned folio: reclaimed (swap-out), activated or kept; returns the pages activated. */
    private long putBack(ScanControl sc, long f, int order, Ref r, int list, Mappings rmap) {
        long nr = 1L << order;
        if (r == Ref.RECLAIM) {
            Ref outcome = reclaimFolio(sc, f, order, rmap);
            if (outcome == null) {
                freedNow += nr;
                return 0;
            }
            r = outcome;
        }
        // the folio's type may have changed (a re-dirtied lazyfree folio is swap-backed again)
        int inactive = fileLru(f) ? Lru.INACTIVE_FILE : Lru.INACTIVE_ANON;
        if (r == Ref.ACTIVATE) {
            lru.move(f, inactive + 1);
            return nr;
        }
        lru.move(f, Lru.isActive(list) ? inactive + 1 : inactive); // kept: back where it was isolated from
        return 0;
    }

    /** folio_is_file_lru: not swap-backed (page cache, or an anon folio MADV_FREE made lazyfree). */
    private boolean fileLru(long f) {
        return (mm.flags(f) & Memmap.PG_SWAPBACKED) == 0;
    }

    /**
     * reclaim_folio_list for one node (reclaim_pages, what MADV_PAGEOUT calls): shrink_folio_list
     * with ignore_references and no_demotion, may_swap and may_writepage as the node's policy
     * says. It counts what shrink_folio_list counts (pgactivate, pswpout, pglazyfreed) and no
     * pgscan_* or pgsteal_*: those belong to shrink_inactive_list. Returns the pages freed.
     */
    long reclaimFolioList(ScanControl sc, List<Long> folios) {
        Mappings rmap = rmaps.index(folios);
        long activated = 0;
        for (long f : folios) {
            int order = lru.orderOf(f);
            activated += putBack(sc, f, order, Ref.RECLAIM, lru.listOf(f), rmap);
        }
        long reclaimed = freedNow;
        freedNow = 0;
        sc.nrReclaimed += reclaimed;
        k.mem().count(sc.nid, VmStat.PGACTIVATE, activated);
        return reclaimed;
    }

    /**
     * try_to_unmap_one's MADV_FREE case: a clean lazyfree folio is dropped without swap
     * (pglazyfreed); one written since the advice (a dirty entry, or PG_dirty) is swap-backed
     * again, stays mapped and is activated.
     */
    private Ref discardLazyfree(ScanControl sc, long f, int order, Mappings rmap, int flags) {
        if ((flags & Memmap.PG_DIRTY) != 0 || rmap.anyDirty(f)) {
            mm.setFlags(f, Memmap.PG_SWAPBACKED | Memmap.PG_DIRTY);
            return Ref.ACTIVATE;
        }
        rmap.unmapAll(f, mm);
        k.mem().count(sc.nid, VmStat.PGLAZYFREED, 1L << order);
        k.folioRelease().folioPutRefs(f, mm.refcount(f), mm.mapcount(f), FreePath.FOLIOS_PUT);
        return null;
    }

    /** folio_check_references. */
    private Ref checkReferences(long f, Mappings rmap, boolean file) {
        int ptes = rmap.referenced(f);
        boolean referenced = lru.referenced(f);
        lru.setReferenced(f, false);
        if (ptes > 0) {
            if (referenced || ptes > 1) {
                lru.setReferenced(f, true);
                return Ref.ACTIVATE;
            }
            lru.setReferenced(f, true);
            return Ref.KEEP;
        }
        return Ref.RECLAIM;
    }

    /**
     * shrink_folio_list's reclaim of one unreferenced folio: null when it was freed, else what
     * happens to it instead (ACTIVATE: it cannot be swapped; KEEP: it stays for now).
     */
    private Ref reclaimFolio(ScanControl sc, long f, int order, Mappings rmap) {
        int flags = mm.flags(f);
        if ((flags & Memmap.PG_ANON) == 0) {
            return Ref.KEEP; // shmem / memfd page cache: its swap-out is not modelled
        }
        int maps = mm.mapcount(f);
        if (mm.refcount(f) != maps || rmap.entries(f) == 0) {
            return Ref.KEEP; // pinned or otherwise referenced: folio_ref_freeze would fail
        }
        if ((flags & Memmap.PG_SWAPBACKED) == 0) {
            return discardLazyfree(sc, f, order, rmap, flags);
        }
        int nr = 1 << order;
        if (!sc.policy.maySwap() || swap.freePages() < nr) {
            return Ref.ACTIVATE; // add_to_swap failed
        }
        if (faults.active() && faults.fail(FailPoint.SWAP_WRITE, order, 0, sc.nid)) {
            return Ref.ACTIVATE; // the write failed before any entry was replaced: the folio stays, activated
        }
        int[] perPage = order == 0 ? new int[] {rmap.entries(f)} : rmap.ptesPerPage(f, nr);
        long[] slots = new long[nr];
        for (int i = 0; i < nr; i++) {
            if (perPage[i] > 0) {
                slots[i] = swap.alloc();
                swap.addRefs(slots[i], perPage[i] - 1);
                if (k.dispatcher() != null) {
                    swap.setContent(slots[i], k.dispatcher().pageContent(f + i)); // the data's kind goes with it
                }
            }
        }
        rmap.unmapToSwap(f, slots, k); // a huge PMD is split into swap PTEs first (TTU_SPLIT_HUGE_PMD)
        k.mem().count(sc.nid, VmStat.PSWPOUT, nr);
        if (order > 0) {
            k.mem().count(sc.nid, VmStat.THP_SWPOUT, 1);
        }
        // the entries are gone: their mappings and references go with them, and the folio is freed
        k.folioRelease().folioPutRefs(f, mm.refcount(f), mm.mapcount(f), FreePath.FOLIOS_PUT);
        return null;
    }
}
