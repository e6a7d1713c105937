package org.mmproto.core.task;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mmproto.api.FreePath;
import org.mmproto.core.mm.Memmap;

/**
 * The page-table half of collapse_huge_page (mm/khugepaged.c), for the collapser above this
 * layer: the 512 PTEs of a PMD range are cleared (pmdp_collapse_flush), the PTE table becomes
 * the deposited table of the new huge PMD, the new order-9 folio is mapped by that one entry
 * (folio_add_new_anon_rmap at RMAP_LEVEL_PMD, folio_add_lru_vma), and the small folios that
 * were mapped lose their mapping and reference (__collapse_huge_page_copy_succeeded). The
 * caller has checked every entry and copied the data.
 */
public final class PmdCollapse {
    private PmdCollapse() {
    }

    /** Whether a PTE table covers addr (the PMD entry is neither pmd_none nor huge). */
    public static boolean pteTablePresent(Vma vma, long addr) {
        return vma.pt.leafIfPresent(addr >>> 12) != null;
    }

    /**
     * Replaces the PTE-mapped range [haddr, haddr + 2 MiB) of vma by a huge PMD mapping
     * {@code head} (a freshly allocated order-9 folio holding its one reference). Every entry must
     * be none, the zero page or present (a swap entry must have been swapped in).
     *
     * @param writeProtected the folio sits on a node whose mappings are made read-only
     */
    public static void replace(MmCore k, Rmap rmap, Vma vma, long haddr, long head, boolean writeProtected) {
        Memmap mm = k.memmap();
        Map<Long, Integer> unmapped = new LinkedHashMap<>();
        for (int i = 0; i < FaultHandler.HPAGE_PMD_NR; i++) {
            long a = haddr + ((long) i << 12);
            long pte = vma.pte(a);
            if (pte == 0) {
                continue;
            }
            if (!Pte.present(pte)) {
                throw new IllegalStateException(String.format("collapse of 0x%x: entry 0x%x at 0x%x is not present",
                        haddr, pte, a));
            }
            vma.setPte(a, 0);
            if ((pte & Pte.ZERO) == 0) {
                unmapped.merge(rmap.folioHead(pte), 1, Integer::sum);
            }
        }
        long pmd = Pte.make(head, Pte.DIRTY | Pte.YOUNG | Pte.HUGE | Pte.PMD
                | ((vma.flags & Vma.VM_WRITE) != 0 && !writeProtected ? Pte.WRITE : 0));
        vma.pt.collapseLeaf(haddr >>> 12, pmd);
        mm.setFlags(head, (int) FaultHandler.ANON_FLAGS);
        k.lru().add(head, FaultHandler.HPAGE_PMD_ORDER, false);
        mm.addMapcount(head, 1);
        mm.addEntireMapcount(head, 1);
        unmapped.forEach((src, n) -> k.folioRelease().folioPutRefs(src, n, n, FreePath.FOLIO_PUT));
    }
}
