package org.mmproto.core.task;

import org.mmproto.core.mm.Memmap;

/**
 * Kernel samepage merging as far as mmproto models it: which VMAs are mergeable
 * (madvise MADV_MERGEABLE, mm/ksm.c ksm_madvise) and ksmd's scan of them, counted as
 * /sys/kernel/mm/ksm/ counts it ({@code pages_scanned}, {@code full_scans}). Pages are not
 * compared or merged (page contents are not modelled): a scanned page is one ksmd could merge,
 * an anonymous page mapped in a VM_MERGEABLE VMA. Shared mappings (VM_SHARED, VM_MAYSHARE) are
 * never mergeable: madvise leaves them alone and returns 0, as vma_ksm_compatible makes it.
 */
public final class Ksm {
    private final Tasks tasks;
    private final Rmap rmap;
    private final Memmap memmap;
    private long pagesScanned;
    private long fullScans;

    public Ksm(Tasks tasks, Rmap rmap, Memmap memmap) {
        this.tasks = tasks;
        this.rmap = rmap;
        this.memmap = memmap;
    }

    /** vma_ksm_compatible for the VMAs mmproto has: no shared mapping is. */
    static boolean compatible(Vma v) {
        return (v.flags & (Vma.VM_SHARED | Vma.VM_MAYSHARE)) == 0;
    }

    /** MADV_MERGEABLE / MADV_UNMERGEABLE over [start, end) of a fully mapped range. */
    static void madvise(Mm mm, long start, long end, boolean merge) {
        for (Vma v : mm.intersecting(start, end)) {
            boolean has = (v.flags & Vma.VM_MERGEABLE) != 0;
            if (has == merge || (merge && !compatible(v))) {
                continue; // ksm_madvise: already so, or not mergeable: 0, the VMA unchanged
            }
            for (Vma piece : mm.splitRange(Math.max(start, v.start), Math.min(end, v.end))) {
                piece.flags = merge ? piece.flags | Vma.VM_MERGEABLE : piece.flags & ~Vma.VM_MERGEABLE;
            }
        }
    }

    /**
     * One full pass of ksmd over every live mm's VM_MERGEABLE VMAs: each present anonymous page
     * is scanned (pages_scanned); returns the pages this pass scanned.
     */
    public long fullScan() {
        long scanned = 0;
        for (Task t : tasks.tasks()) {
            if (t.mm == null) {
                continue;
            }
            for (Vma v : t.mm.vmas.values()) {
                if ((v.flags & Vma.VM_MERGEABLE) == 0) {
                    continue;
                }
                for (long a = v.nextMapped(v.start, v.end); a < v.end; a = v.nextMapped(a + Mm.PAGE_SIZE, v.end)) {
                    long pte = v.pte(a);
                    if (Pte.present(pte) && (pte & Pte.ZERO) == 0
                            && (memmap.flags(rmap.folioHead(pte)) & Memmap.PG_ANON) != 0) {
                        scanned++;
                    }
                }
            }
        }
        pagesScanned += scanned;
        fullScans++;
        return scanned;
    }

    /** /sys/kernel/mm/ksm/pages_scanned. */
    public long pagesScanned() {
        return pagesScanned;
    }

    /** /sys/kernel/mm/ksm/full_scans. */
    public long fullScans() {
        return fullScans;
    }
}
