package org.mmproto.core.task;


/**
 * {@code struct vm_area_struct}: [start, end), vm_flags, what backs it, its NUMA policy, and a
 * reference to its mm's page table, which holds the {@link Pte} words of every VMA of the mm
 * (as the kernel's does), so splitting a VMA moves no entries.
 */
public final class Vma {
    public static final int VM_READ = 0x1;
    public static final int VM_WRITE = 0x2;
    public static final int VM_EXEC = 0x4;
    public static final int VM_SHARED = 0x8;
    public static final int VM_MAYREAD = 0x10;
    public static final int VM_MAYWRITE = 0x20;
    public static final int VM_MAYSHARE = 0x80;
    /** The mapping is charged to Committed_AS (vm_committed_as). */
    public static final int VM_ACCOUNT = 0x00100000;
    public static final int VM_HUGEPAGE = 0x20000000;
    public static final int VM_NOHUGEPAGE = 0x40000000;
    /** MADV_MERGEABLE: ksmd may merge the VMA's anonymous pages (include/linux/mm.h: bit 31). */
    public static final int VM_MERGEABLE = 0x80000000;

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
    /** The mm's page table, indexed by virtual page number. */
    final RadixTable pt;
    /** A name the scenario gave the mapping, for reports; null if none. */
    final String label;
    /** The private node whose device file this anonymous VMA maps (a device mmap), -1 for none. */
    int deviceNid = -1;

    Vma(RadixTable pt, long start, long end, int flags, Backing backing, ShmemFile file, long pgoff, String label) {
        this.pt = pt;
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.backing = backing;
        this.file = file;
        this.pgoff = pgoff;
        this.label = label;
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

    /** The node of the device this VMA maps (its mmap gave it), or -1 for an ordinary VMA. */
    public int deviceNid() {
        return deviceNid;
    }

    /** Makes this anonymous VMA the device mapping of node {@code nid}, with its device-lifetime policy. */
    public void bindDevice(int nid, MemPolicy devicePolicy) {
        if (backing != Backing.ANON_PRIVATE) {
            throw new IllegalStateException("a device mapping is anonymous and private: " + this);
        }
        this.deviceNid = nid;
        this.policy = devicePolicy;
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

    /** The entry mapping addr (inside this VMA); 0 (pte_none) when nothing is mapped there. */
    public long pte(long addr) {
        return pt.get(addr >>> 12);
    }

    void setPte(long addr, long pte) {
        pt.set(addr >>> 12, pte);
    }

    /** The huge PMD entry covering addr (a PMD-mapped THP: {@link Pte#PMD}), or 0. */
    public long pmd(long addr) {
        return pt.pmd(addr >>> 12);
    }

    void setPmd(long addr, long pmd) {
        pt.setPmd(addr >>> 12, pmd);
    }

    /**
     * The first page address in [from, min(to, end)) with a non-none entry, or {@code to} when
     * there is none: walks only the page-table pages that exist, so scanning a huge, mostly
     * untouched mapping costs what was touched. Loop with
     * {@code for (a = v.nextMapped(a0, a1); a < a1; a = v.nextMapped(a + PAGE_SIZE, a1))}.
     */
    public long nextMapped(long from, long to) {
        long stop = Math.min(to, end);
        long i = pt.next(Math.max(from, start) >>> 12, (stop + Mm.PAGE_SIZE - 1) >>> 12);
        long a = i << 12;
        return a < stop ? a : to;
    }

    /** File page index of addr (for memfd mappings). */
    public long fileIndex(long addr) {
        return pgoff + ((addr - start) >>> 12);
    }

    /** Splits at addr (page aligned, strictly inside); this VMA keeps [start, addr), returns [addr, end). */
    Vma splitAt(long addr) {
        long cut = (addr - start) >>> 12;
        Vma tail = new Vma(pt, addr, end, flags, backing, file, pgoff + cut, label);
        tail.policy = policy;
        tail.deviceNid = deviceNid;
        end = addr;
        return tail;
    }

    @Override
    public String toString() {
        return String.format("%x-%x %s%s", start, end, backing, label == null ? "" : " (" + label + ")");
    }
}
