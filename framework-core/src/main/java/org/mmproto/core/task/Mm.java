package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code struct mm_struct}: the VMAs of one address space, sorted by start. */
public final class Mm {
    /** Top of the mmap area; mappings are placed top-down below it (x86-64 legacy-free layout). */
    public static final long MMAP_BASE = 0x7f0000000000L;
    public static final long TASK_SIZE = 0x7ffffffff000L;
    public static final long PAGE_SIZE = 4096;
    public static final long PMD_SIZE = 2L << 20;

    final TreeMap<Long, Vma> vmas = new TreeMap<>();
    /** The page table (pgd and below), shared by every VMA of this mm; entries outside VMAs are 0. */
    final RadixTable pt;
    /** Tasks sharing this mm (threads are not modelled: 1 until exit). */
    int users = 1;
    /** split_huge_pmd for a VMA boundary inside a huge PMD (vma_adjust_trans_huge). */
    private final PmdSplitter pmdSplitter;

    /** Splits the huge PMD of a VMA at a PMD-aligned address into PTEs. */
    @FunctionalInterface
    interface PmdSplitter {
        void split(Vma vma, long haddr);
    }

    /** An mm whose page tables take no pages (tests of the VMA code alone). */
    Mm() {
        this.pt = new RadixTable();
        this.pmdSplitter = (v, h) -> {
            throw new IllegalStateException("no huge PMDs in an mm without page-table pages");
        };
    }

    /** An mm whose pud, pmd and pte tables are pages from {@code tables} ({@link PageTablePages}). */
    Mm(RadixTable.TablePages tables, PmdSplitter pmdSplitter) {
        this.pt = new RadixTable(tables);
        this.pmdSplitter = pmdSplitter;
    }

    /** find_vma-like: the VMA containing addr, or null. */
    public Vma find(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        return e != null && e.getValue().contains(addr) ? e.getValue() : null;
    }

    public List<Vma> vmas() {
        return List.copyOf(vmas.values());
    }

    /** VMAs intersecting [start, end), in address order. */
    public List<Vma> intersecting(long start, long end) {
        List<Vma> out = new ArrayList<>();
        Map.Entry<Long, Vma> first = vmas.floorEntry(start);
        long from = first != null && first.getValue().end > start ? first.getKey() : start;
        for (Vma v : vmas.subMap(from, true, end, false).values()) {
            if (v.end > start) {
                out.add(v);
            }
        }
        return out;
    }

    /** True when every page of [start, end) is inside some VMA. */
    public boolean fullyMapped(long start, long end) {
        long cur = start;
        for (Vma v : intersecting(start, end)) {
            if (v.start > cur) {
                return false;
            }
            cur = v.end;
        }
        return cur >= end;
    }

    /**
     * Splits VMAs so that start and end are VMA boundaries (split_vma), and returns the VMAs
     * covering [start, end).
     */
    public List<Vma> splitRange(long start, long end) {
        splitAt(start);
        splitAt(end);
        return intersecting(start, end);
    }

    private void splitAt(long addr) {
        Vma v = find(addr);
        if (v != null && v.start != addr && (addr & (PMD_SIZE - 1)) != 0 && v.pmd(addr) != 0) {
            pmdSplitter.split(v, addr & -PMD_SIZE); // __split_vma -> vma_adjust_trans_huge
        }
        if (v != null && v.start != addr) {
            Vma tail = v.splitAt(addr);
            if (tail.file != null) {
                tail.file.users++; // the new VMA holds its own file reference (split_vma: get_file)
            }
            vmas.put(tail.start, tail);
        }
    }

    void insert(Vma v) {
        vmas.put(v.start, v);
    }

    void remove(Vma v) {
        vmas.remove(v.start);
    }

    /** A free range of len bytes below MMAP_BASE, aligned to align; -1 if none. */
    long unmappedArea(long len, long align) {
        long top = MMAP_BASE;
        while (true) {
            long cand = (top - len) & -align;
            if (cand <= 0) {
                return -1;
            }
            List<Vma> hit = intersecting(cand, cand + len);
            if (hit.isEmpty()) {
                return cand;
            }
            top = hit.get(0).start;
        }
    }

    /** Total present PTEs (resident pages) of this mm. */
    public long rssPages() {
        long n = 0;
        for (Vma v : vmas.values()) {
            for (long a = v.nextMapped(v.start, v.end); a < v.end; a = v.nextMapped(a + PAGE_SIZE, v.end)) {
                long p = v.pte(a);
                if (Pte.present(p) && (p & Pte.ZERO) == 0) {
                    n++;
                }
            }
        }
        return n;
    }

    /** mm->total_vm: pages of every VMA. */
    public long totalVmPages() {
        long n = 0;
        for (Vma v : vmas.values()) {
            n += v.pages();
        }
        return n;
    }

    /** Page-table leaf pages allocated (the kernel's nr_ptes); O(pages touched), not O(mapped). */
    public long pageTablePages() {
        return pt.leafTables();
    }

    /** Page-table pages of every level below the pgd (pud + pmd + pte: mm->pgtables_bytes / 4096). */
    public long tablePages() {
        return pt.tables();
    }

    /**
     * free_pgtables after [start, end) was unmapped: the tables meeting the range whose whole span
     * no remaining VMA covers (free_pgd_range with the neighbouring VMAs as floor and ceiling).
     */
    void freePgtables(long start, long end) {
        pt.freeUnused(start >>> 12, (end + PAGE_SIZE - 1) >>> 12,
                (from, to) -> !intersecting(from << 12, to << 12).isEmpty());
    }

    /** exit_mmap's free_pgtables over the whole space; every VMA is gone, so no table may remain. */
    void freeAllTables() {
        pt.freeAll();
        if (pt.tables() != 0) {
            throw new IllegalStateException(pt.tables() + " page tables left after exit");
        }
    }
}
