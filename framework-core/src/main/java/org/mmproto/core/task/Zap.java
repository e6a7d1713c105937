package org.mmproto.core.task;

import org.mmproto.api.FreePath;

/**
 * zap_pte_range + mmu_gather: clears present entries, drops their mapcounts, and queues their
 * references in a batch that is released through {@code folios_put_refs} (FreePath.FOLIOS_PUT)
 * when it fills (MAX_GATHER_BATCH) or when the unmap finishes, after the TLB flush. A huge PMD
 * the range covers whole is zapped as zap_huge_pmd does (one mapping, one reference, its
 * deposited PTE table freed with it); one the range covers in part is split into PTEs first. A
 * large folio left partly mapped joins its node's deferred-split queue.
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
            long pmdStart = i & -RadixTable.PTRS;
            long pmd = pt.pmd(i);
            if (pmd != 0) {
                if (i == pmdStart && endIdx - pmdStart >= RadixTable.PTRS) {
                    // zap_huge_pmd: one entry, one mapping, one reference; the deposited table goes
                    pt.zapHuge(i);
                    long head = Pte.pfn(pmd);
                    k.memmap().addEntireMapcount(head, -1);
                    queue(head);
                    i = pt.next(pmdStart + RadixTable.PTRS, endIdx);
                    continue;
                }
                // part of the PMD: __split_huge_pmd, then the PTEs of the range are zapped
                ThpSplit.splitPmd(k, vma, pmdStart << 12);
            }
            long stop = Math.min(endIdx, pmdStart + RadixTable.PTRS);
            long[] leaf = pt.leafIfPresent(i);
            int from = (int) i & (RadixTable.PTRS - 1);
            int to = from + (int) (stop - i);
            for (int s = from; s < to; s++) {
                long pte = leaf[s];
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
        for (int i = 0; i < batched; i++) {
            long pfn = batchPfn[i];
            boolean freed = k.folioRelease().folioPutRefs(pfn, batchRefs[i], batchRefs[i], FreePath.FOLIOS_PUT);
            if (!freed && k.memmap().order(pfn) > 0) {
                ThpSplit.deferIfPartlyMapped(k, pfn); // folio_remove_rmap_ptes -> deferred_split_folio
            }
        }
        batched = 0;
    }
}
