package org.mmproto.core.task;

import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;

/**
 * The two splits of a THP (mm/huge_memory.c). {@link #splitPmd}, __split_huge_pmd: one huge PMD
 * becomes 512 PTEs in the PMD's deposited table; the folio stays whole, now PTE-mapped.
 * {@link #split}, split_huge_page: a PTE-mapped large folio becomes order-0 folios (its PMDs are
 * split first) and its pages no entry maps are freed. A folio an unmap left partly mapped is
 * queued for the deferred-split shrinker ({@link #deferIfPartlyMapped}); a folio with references
 * the page tables do not explain (a pin) cannot be split, as in the kernel.
 */
public final class ThpSplit {
    private ThpSplit() {
    }

    /**
     * __split_huge_pmd_locked for the huge PMD of vma at haddr: the deposited table is withdrawn
     * and filled with the PMD's bits for each page; the PMD's one mapping and reference become
     * 512 ({@code folio_ref_add(HPAGE_PMD_NR - 1)}). Counts {@code thp_split_pmd}.
     */
    static void splitPmd(MmCore k, Vma vma, long haddr) {
        splitPmd(k.memmap(), k.mem(), vma, haddr);
    }

    static void splitPmd(Memmap mm, org.mmproto.core.mm.PhysicalMemory mem, Vma vma, long haddr) {
        long pmd = vma.pmd(haddr);
        long head = Pte.pfn(pmd);
        long[] leaf = vma.pt.splitHuge(haddr >>> 12);
        long bits = pmd & ~Pte.PFN_MASK & ~Pte.PMD;
        for (int i = 0; i < FaultHandler.HPAGE_PMD_NR; i++) {
            leaf[i] = bits | (head + i);
        }
        mm.addEntireMapcount(head, -1);
        mm.addMapcount(head, FaultHandler.HPAGE_PMD_NR - 1);
        mm.addRefs(head, FaultHandler.HPAGE_PMD_NR - 1);
        mem.count(mm.nid(head), VmStat.THP_SPLIT_PMD, 1);
    }

    /** Splits the huge PMD covering addr in vma, if there is one (split_huge_pmd before a PTE-level change). */
    static boolean splitPmdAt(MmCore k, Vma vma, long addr) {
        long haddr = addr & -Mm.PMD_SIZE;
        if (vma.pmd(haddr) == 0) {
            return false;
        }
        splitPmd(k, vma, haddr);
        return true;
    }

    /**
     * split_folio for migration (migrate_pages_batch's try_split_folio): splits the mapped large
     * anonymous folio at head into order-0 folios. 0 on success; -EAGAIN when references the page
     * tables do not explain (a pin) keep it whole; -EBUSY for a page-cache folio (not split here).
     */
    public static int splitForMigration(MmCore k, Rmap rmaps, long head) {
        Memmap mm = k.memmap();
        if (mm.order(head) == 0) {
            return -Errno.EINVAL.code();
        }
        Mappings rmap = rmaps.index(List.of(head));
        if (rmap.inPageCache(head)) {
            return -Errno.EBUSY.code();
        }
        return split(k, head, rmap) ? 0 : -Errno.EAGAIN.code();
    }

    /**
     * deferred_split_folio after an unmap dropped PTE mappings of a large anonymous folio: queued
     * when no PMD maps it whole any more and fewer entries map it than it has pages (some page
     * is unmapped). The test on the mapcount is the kernel's folio_large_mapcount &lt; nr shortcut;
     * the shrinker checks page by page.
     */
    static void deferIfPartlyMapped(MmCore k, long head) {
        Memmap mm = k.memmap();
        if (!mm.isFolioHead(head)) {
            return; // freed by the unmap
        }
        int order = mm.order(head);
        if (order == 0 || (mm.flags(head) & Memmap.PG_ANON) == 0 || mm.entireMapcount(head) > 0
                || mm.mapcount(head) >= 1 << order || mm.mapcount(head) == 0) {
            return;
        }
        k.folioRelease().deferredSplit().queue(head, mm.nid(head));
    }

    /**
     * deferred_split_scan for one queued folio: split it if some page of it is unmapped, freeing
     * those pages. Returns the pages freed, or -1 when the split failed ({@code thp_split_page_failed};
     * the folio is queued again, as the kernel puts it back on the list).
     */
    public static long splitQueued(MmCore k, Rmap rmaps, long head) {
        Memmap mm = k.memmap();
        if (!mm.isFolioHead(head) || mm.order(head) == 0) {
            return 0;
        }
        int nr = 1 << mm.order(head);
        Mappings rmap = rmaps.index(List.of(head));
        int[] maps = rmap.ptesPerPage(head, nr);
        int unmapped = 0;
        for (int m : maps) {
            unmapped += m == 0 ? 1 : 0;
        }
        if (unmapped == 0) {
            return 0; // mapped whole again (or by someone else): nothing to free
        }
        if (!split(k, head, rmap)) {
            k.folioRelease().deferredSplit().requeue(head, mm.nid(head));
            return -1;
        }
        return unmapped;
    }

    private static boolean split(MmCore k, long head, Mappings rmap) {
        Memmap mm = k.memmap();
        int nr = 1 << mm.order(head);
        int[] maps = rmap.ptesPerPage(head, nr);
        int mapped = 0;
        for (int m : maps) {
            mapped += m;
        }
        int entries = mapped - (nr - 1) * rmap.pmdMappings(head); // a huge PMD is one mapping
        if (entries != mm.mapcount(head) || mm.refcount(head) != entries) {
            k.mem().count(mm.nid(head), VmStat.THP_SPLIT_PAGE_FAILED, 1);
            return false; // extra references: split_folio fails with -EAGAIN
        }
        rmap.splitPmds(head, k); // unmap_folio: TTU_SPLIT_HUGE_PMD
        FolioRef original = k.dispatcher() == null ? null : k.dispatcher().folioRef(head);
        rmap.clearHuge(head);
        k.folioRelease().splitFolio(head, maps.clone(), maps);
        k.mem().count(mm.nid(head), VmStat.THP_SPLIT_PAGE, 1);
        long[] heads = new long[nr];
        for (int i = 0; i < nr; i++) {
            heads[i] = head + i;
        }
        if (original != null) {
            k.dispatcher().folioSplit(original, heads);
        }
        for (int i = 0; i < nr; i++) {
            if (maps[i] == 0) {
                k.folioRelease().putSplitPage(head + i);
            }
        }
        return true;
    }
}
