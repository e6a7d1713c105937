package org.mmproto.core.task;

import org.mmproto.api.FreePath;

/**
 * zap_pte_range + mmu_gather: clears present entries, drops their mapcounts, and queues their
 * references in a batch that is released through {@code folios_put_refs} (FreePath.FOLIOS_PUT)
 * when it fills (MAX_GATHER_BATCH) or when the unmap finishes, after the TLB flush. A whole
 * PMD-mapped THP is zapped as zap_huge_pmd does, and its deposited PTE table freed with it.
 */
final class Zap {
    /** (PAGE_SIZE - header) / sizeof(void *) on x86-64. */
    static final int MAX_GATHER_BATCH = 510;

    private final MmCore k;
    private final Rmap rmap;
    private final long[] batchPfn = new long[MAX_GATHER_BATCH];
    private final int[] batchRefs = new int[MAX_GATHER_BATCH];
    private int batched;

    Zap(MmCore k, Rmap rmap) {
        this.k = k;
        this.rmap = rmap;
    }

    /** Unmaps [start, end) of vma (page aligned, inside it). Call {@link #flush()} when done. */
    void range(Vma vma, long start, long end) {
        RadixTable pt = vma.pt;
        long endIdx = end >>> 12;
        // leaf by leaf, like zap_pte_range over one PTE page; absent tables are skipped whole
        for (long i = pt.next(start >>> 12, endIdx); i < endIdx; ) {
            long stop = Math.min(endIdx, ((i >>> RadixTable.SHIFT) + 1) << RadixTable.SHIFT);
            long[] leaf = pt.leafIfPresent(i);
            int from = (int) i & (RadixTable.PTRS - 1);
            int to = from + (int) (stop - i);
            boolean pmdMapped = from == 0 && to == RadixTable.PTRS;
            for (int s = from; s < to; s++) {
                long pte = leaf[s];
                pmdMapped &= Pte.present(pte) && (pte & Pte.HUGE) != 0;
                if (!Pte.present(pte)) {
                    if (Pte.isSwap(pte)) {
                        leaf[s] = 0;
                        k.swap().put(Pte.swapSlot(pte)); // free_swap_and_cache
                    }
                    continue;
                }
                leaf[s] = 0;
                if ((pte & Pte.ZERO) != 0) {
                    continue;
                }
                queue(rmap.folioHead(pte));
            }
            if (pmdMapped) {
                pt.freeLeaf(i); // zap_huge_pmd -> zap_deposited_table
            }
            i = stop < endIdx ? pt.next(stop, endIdx) : endIdx;
        }
    }

    private void queue(long head) {
        if (batched > 0 && batchPfn[batched - 1] == head) {
            batchRefs[batched - 1]++;
            return;
        }
        if (batched == MAX_GATHER_BATCH) {
            flush();
        }
        batchPfn[batched] = head;
        batchRefs[batched] = 1;
        batched++;
    }

    /**
     * tlb_finish_mmu: the TLB is flushed, then the gathered entries drop their mappings and
     * references (the rmap removal is folded in here: nothing looks at the mapcount in between).
     */
    void flush() {
        long[] partial = null;
        int nPartial = 0;
        for (int i = 0; i < batched; i++) {
            long pfn = batchPfn[i];
            boolean freed = k.folioRelease().folioPutRefs(pfn, batchRefs[i], batchRefs[i], FreePath.FOLIOS_PUT);
            if (!freed && k.memmap().order(pfn) > 0) {
                if (partial == null) {
                    partial = new long[batched];
                }
                partial[nPartial++] = pfn;
            }
        }
        batched = 0;
        for (int i = 0; i < nPartial; i++) {
            ThpSplit.splitIfPartlyMapped(k, rmap, partial[i]);
        }
    }
}
