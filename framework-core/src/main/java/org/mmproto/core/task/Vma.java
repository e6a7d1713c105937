package org.mmproto.core.task;

import org.mmproto.core.policy.MemPolicy;

/**
 * {@code struct vm_area_struct}: [start, end), vm_flags, what backs it, its NUMA policy, and its
 * slice of the page table (one {@link Pte} word per 4 KiB page, indexed from {@code start}).
 */
public final class Vma {
    public static final int VM_READ = 0x1;
    public static final int VM_WRITE = 0x2;
    public static final int VM_EXEC = 0x4;
    public static final int VM_SHARED = 0x8;
    public static final int VM_MAYREAD = 0x10;
    public static final int VM_MAYWRITE = 0x20;
    public static final int VM_MAYSHARE = 0x80;
    public static final int VM_HUGEPAGE = 0x20000000;
    public static final int VM_NOHUGEPAGE = 0x40000000;

    /** What the mapping reads and writes. */
    public enum Backing {
        /** MAP_PRIVATE|MAP_ANONYMOUS: zero page on read, a fresh anon folio on write. */
        ANON_PRIVATE,
        /** MAP_SHARED of a memfd: the file's page-cache folios, shared by every mapper. */
        MEMFD_SHARED,
        /** MAP_PRIVATE of a memfd: page-cache folios on read, a CoW anon copy on write. */
        MEMFD_PRIVATE
    }

    long start;
    long end;
    int flags;
    final Backing backing;
    final ShmemFile file;
    /** File offset of {@code start}, in pages. */
    long pgoff;
    MemPolicy policy;
    long[] ptes;
    /** A name the scenario gave the mapping, for reports; null if none. */
    final String label;

    Vma(long start, long end, int flags, Backing backing, ShmemFile file, long pgoff, String label) {
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.backing = backing;
        this.file = file;
        this.pgoff = pgoff;
        this.label = label;
        this.ptes = new long[(int) ((end - start) >>> 12)];
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public long pages() {
        return (end - start) >>> 12;
    }

    public int flags() {
        return flags;
    }

    public Backing backing() {
        return backing;
    }

    public ShmemFile file() {
        return file;
    }

    public long pgoff() {
        return pgoff;
    }

    public String label() {
        return label;
    }

    /** The VMA's own policy (vm_policy), or for a shared memfd mapping the file's shared policy at addr. */
    public MemPolicy policy() {
        return policy;
    }

    public void setPolicy(MemPolicy p) {
        this.policy = p;
    }

    public boolean contains(long addr) {
        return addr >= start && addr < end;
    }

    public boolean isShared() {
        return (flags & VM_SHARED) != 0;
    }

    public boolean isAnon() {
        return backing == Backing.ANON_PRIVATE;
    }

    public long pte(long addr) {
        return ptes[(int) ((addr - start) >>> 12)];
    }

    void setPte(long addr, long pte) {
        ptes[(int) ((addr - start) >>> 12)] = pte;
    }

    /** File page index of addr (for memfd mappings). */
    public long fileIndex(long addr) {
        return pgoff + ((addr - start) >>> 12);
    }

    /** Splits at addr (page aligned, strictly inside); this VMA keeps [start, addr), returns [addr, end). */
    Vma splitAt(long addr) {
        int cut = (int) ((addr - start) >>> 12);
        Vma tail = new Vma(addr, end, flags, backing, file, pgoff + cut, label);
        tail.policy = policy;
        System.arraycopy(ptes, cut, tail.ptes, 0, tail.ptes.length);
        long[] head = new long[cut];
        System.arraycopy(ptes, 0, head, 0, cut);
        ptes = head;
        end = addr;
        return tail;
    }

    @Override
    public String toString() {
        return String.format("%x-%x %s%s", start, end, backing, label == null ? "" : " (" + label + ")");
    }
}
