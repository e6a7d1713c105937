package org.mmproto.core.task;

/**
 * folio->mapping / folio->index of anonymous folios as the fault that created them set them: the
 * VMA and the address of the entry that mapped the folio first, by pfn. Two stores at fault
 * time; the reverse map ({@link Mappings}) reads them to visit that one entry instead of every
 * address space, and checks what it finds against the folio's mapcount (a record the folio
 * outlived, or a folio mapped more than once, is walked the slow way).
 */
final class AnonFolioMapping {
    private static final int CHUNK_SHIFT = 12;
    private static final int CHUNK = 1 << CHUNK_SHIFT;

    private Vma[][] vmas = new Vma[64][];
    private long[][] addrs = new long[64][];

    void set(long pfn, Vma vma, long addr) {
        int c = (int) (pfn >>> CHUNK_SHIFT);
        if (c >= vmas.length || vmas[c] == null) {
            grow(c);
        }
        int i = (int) pfn & (CHUNK - 1);
        vmas[c][i] = vma;
        addrs[c][i] = addr;
    }

    /** The VMA recorded for pfn, or null. */
    Vma vma(long pfn) {
        int c = (int) (pfn >>> CHUNK_SHIFT);
        Vma[] v = c < vmas.length ? vmas[c] : null;
        return v == null ? null : v[(int) pfn & (CHUNK - 1)];
    }

    /** The address recorded for pfn (meaningful only where {@link #vma} is not null). */
    long addr(long pfn) {
        return addrs[(int) (pfn >>> CHUNK_SHIFT)][(int) pfn & (CHUNK - 1)];
    }

    private void grow(int c) {
        if (c >= vmas.length) {
            int n = Math.max(c + 1, vmas.length * 2);
            vmas = java.util.Arrays.copyOf(vmas, n);
            addrs = java.util.Arrays.copyOf(addrs, n);
        }
        vmas[c] = new Vma[CHUNK];
        addrs[c] = new long[CHUNK];
    }
}
