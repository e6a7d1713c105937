package org.mmproto.core.task;

/**
 * A simulated page-table entry: the pfn in the low 40 bits and x86-style bits above. Zero is
 * pte_none. A write-protected entry of a writable VMA is simply one without {@link #WRITE}.
 */
public final class Pte {
    public static final long PFN_MASK = (1L << 40) - 1;
    public static final long PRESENT = 1L << 40;
    public static final long WRITE = 1L << 41;
    public static final long YOUNG = 1L << 42;
    public static final long DIRTY = 1L << 43;
    /** PROT_NONE NUMA-hinting entry (NUMA balancing). */
    public static final long PROTNONE = 1L << 44;
    /**
     * Maps a page of a large folio (a THP): set on a huge PMD entry and on the PTEs of a
     * PTE-mapped THP, so the folio's head is found by walking back from the pfn.
     */
    public static final long HUGE = 1L << 45;
    /** Maps the shared zero page. */
    public static final long ZERO = 1L << 46;
    /**
     * A swap entry (not present): the low 40 bits hold the swap slot, as the kernel's swp_entry_t
     * holds type and offset in a non-present PTE.
     */
    public static final long SWAP = 1L << 47;
    /**
     * A huge PMD entry (pmd_trans_huge): one entry maps the whole order-9 folio. A per-page read
     * inside it ({@code Vma.pte}) sees the PMD's bits with the page's own pfn and this bit set;
     * such a view is never written back as a PTE.
     */
    public static final long PMD = 1L << 48;

    private Pte() {
    }

    public static long pfn(long pte) {
        return pte & PFN_MASK;
    }

    public static boolean present(long pte) {
        return (pte & PRESENT) != 0;
    }

    public static boolean isSwap(long pte) {
        return (pte & (SWAP | PRESENT)) == SWAP;
    }

    public static long swapEntry(long slot) {
        return SWAP | (slot & PFN_MASK);
    }

    public static long swapSlot(long pte) {
        return pte & PFN_MASK;
    }

    public static boolean isPmd(long pte) {
        return (pte & PMD) != 0;
    }

    public static long make(long pfn, long bits) {
        return (pfn & PFN_MASK) | PRESENT | bits;
    }
}
