package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse map of a batch of folios (rmap_walk): for each, every page-table entry and
 * page-cache slot that refers to it. An anonymous folio its fault recorded and nothing else maps
 * is found at once ({@link Rmap#soleAnonMapping}); the others by one walk over all address spaces.
 * Reclaim and migration use it to unmap folios or switch their mappings to the copy.
 */
public final class Mappings {
    /** One page-table entry mapping the folio: a PTE, or (pmd) the huge PMD at addr mapping all of it. */
    private record PteRef(Vma vma, long addr, boolean pmd) {
        long get() {
            return pmd ? vma.pmd(addr) : vma.pte(addr);
        }

        void set(long pte) {
            if (pmd) {
                vma.setPmd(addr, pte);
            } else {
                vma.setPte(addr, pte);
            }
        }
    }

    private record CacheRef(ShmemFile file, long index) {
    }

    /** Pages of the largest folio (order 10, as {@link Rmap#headOf} walks): a page lies below its head + this. */
    private static final long MAX_FOLIO_PAGES = 1L << 10;

    private final Map<Long, List<PteRef>> ptes = new HashMap<>();
    private final Map<Long, CacheRef> cache = new HashMap<>();

    private final Rmap rmap;

    private Mappings(Rmap rmap) {
        this.rmap = rmap;
    }

    static Mappings index(Rmap rmap, Tasks tasks, List<Long> folioHeads) {
        return index(rmap, tasks, folioHeads, true);
    }

    /** With {@code records} false every folio is found by the full walk (what the records must agree with). */
    static Mappings index(Rmap rmap, Tasks tasks, List<Long> folioHeads, boolean records) {
        Mappings m = new Mappings(rmap);
        if (folioHeads.isEmpty()) {
            return m;
        }
        long[] heads = folioHeads.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        // rmap_walk_anon: a folio whose recorded entry is its only mapping needs no walk
        long[] rest = new long[heads.length];
        int n = 0;
        for (long head : heads) {
            Vma v = records ? rmap.soleAnonMapping(head) : null;
            if (v != null) {
                m.ptes.put(head, List.of(new PteRef(v, rmap.soleAnonAddr(head), false)));
            } else {
                rest[n++] = head;
            }
        }
        if (n > 0) {
            m.walk(tasks, Arrays.copyOf(rest, n));
        }
        return m;
    }

    /** The full walk for the folios the records do not cover (sorted, distinct). */
    private void walk(Tasks tasks, long[] wanted) {
        // the walk visits every mapped entry of every task for a batch of a few dozen folios:
        // a sorted primitive array and the batch's pfn span reject the others without boxing
        long lo = wanted[0];
        long hi = wanted[wanted.length - 1] + MAX_FOLIO_PAGES;
        for (Task t : tasks.tasks()) {
            if (t.mm == null) {
                continue;
            }
            for (Vma v : t.mm.vmas.values()) {
                for (long a = v.nextMapped(v.start, v.end); a < v.end; a = v.nextMapped(a + Mm.PAGE_SIZE, v.end)) {
                    long pte = v.pte(a);
                    if (!Pte.present(pte) || (pte & Pte.ZERO) != 0) {
                        continue;
                    }
                    boolean pmd = Pte.isPmd(pte);
                    long pfn = Pte.pfn(pte);
                    long head = pfn >= lo && pfn < hi ? rmap.folioHead(pte) : -1;
                    if (head >= 0 && Arrays.binarySearch(wanted, head) >= 0) {
                        ptes.computeIfAbsent(head, x -> new ArrayList<>()).add(new PteRef(v, pmd ? a & -Mm.PMD_SIZE : a, pmd));
                    }
                    if (pmd) {
                        a = (a & -Mm.PMD_SIZE) + Mm.PMD_SIZE - Mm.PAGE_SIZE; // one entry maps the whole folio
                    }
                }
            }
        }
        for (ShmemFile f : tasks.memfds()) {
            for (long i = f.nextCached(0); i >= 0; i = f.nextCached(i + 1)) {
                long pfn = f.cachedPfn(i);
                if (pfn >= lo && pfn < hi && Arrays.binarySearch(wanted, pfn) >= 0) {
                    cache.put(pfn, new CacheRef(f, i));
                }
            }
        }
    }

    /**
     * Clears every page-table entry and the page-cache slot of head (a huge PMD is zapped with its
     * deposited table, its entire mapcount dropped); returns the references they held.
     */
    public int unmapAll(long head, org.mmproto.core.mm.Memmap memmap) {
        int refs = 0;
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            if (r.pmd()) {
                r.vma().pt.zapHuge(r.addr() >>> 12);
                memmap.addEntireMapcount(head, -1);
            } else {
                r.set(0);
            }
            refs++;
        }
        CacheRef c = cache.get(head);
        if (c != null) {
            c.file().uncache(c.index());
            refs++;
        }
        return refs;
    }

    /**
     * folio_referenced with ptep_clear_flush_young: how many mappings of head had the accessed
     * bit, which is cleared on each entry.
     */
    public int referenced(long head) {
        int young = 0;
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            long pte = r.get();
            if ((pte & Pte.YOUNG) != 0) {
                r.set(pte & ~Pte.YOUNG); // a huge PMD is one entry: pmdp_clear_flush_young
                young++;
            }
        }
        return young;
    }

    /** Whether some entry mapping head has the dirty bit (try_to_unmap's pte_dirty → folio_mark_dirty). */
    public boolean anyDirty(long head) {
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            if ((r.get() & Pte.DIRTY) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Page-table entries that map head. */
    public int entries(long head) {
        return ptes.getOrDefault(head, List.of()).size();
    }

    /**
     * try_to_unmap for swap-out: every entry of head becomes the swap entry of the slot its page
     * was written to ({@code slots[page offset]}); returns the entries replaced.
     */
    public int unmapToSwap(long head, long[] slots, MmCore k) {
        splitPmds(head, k);
        int n = 0;
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            r.set(Pte.swapEntry(slots[(int) (Pte.pfn(r.get()) - head)]));
            n++;
        }
        return n;
    }

    /**
     * try_to_unmap's TTU_SPLIT_HUGE_PMD (and unmap_folio before a folio split): every huge PMD
     * mapping head becomes 512 PTEs from its deposited table ({@code thp_split_pmd} each), and
     * this map then holds those PTEs instead.
     */
    void splitPmds(long head, MmCore k) {
        List<PteRef> refs = ptes.get(head);
        if (refs == null || refs.stream().noneMatch(PteRef::pmd)) {
            return;
        }
        List<PteRef> out = new ArrayList<>();
        for (PteRef r : refs) {
            if (!r.pmd()) {
                out.add(r);
                continue;
            }
            ThpSplit.splitPmd(k, r.vma(), r.addr());
            for (int i = 0; i < FaultHandler.HPAGE_PMD_NR; i++) {
                out.add(new PteRef(r.vma(), r.addr() + i * Mm.PAGE_SIZE, false));
            }
        }
        ptes.put(head, out);
    }

    /**
     * For a large folio: how many page-table entries map each of its pages (page_mapcount: a
     * huge PMD maps every page once).
     */
    public int[] ptesPerPage(long head, int nr) {
        int[] n = new int[nr];
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            if (r.pmd()) {
                for (int i = 0; i < nr; i++) {
                    n[i]++;
                }
            } else {
                n[(int) (Pte.pfn(r.get()) - head)]++;
            }
        }
        return n;
    }

    /** Huge PMDs mapping head (folio_entire_mapcount as the page tables see it). */
    public int pmdMappings(long head) {
        int n = 0;
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            n += r.pmd() ? 1 : 0;
        }
        return n;
    }

    /** Entries of a folio being split no longer map a THP. */
    public void clearHuge(long head) {
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            r.set(r.get() & ~Pte.HUGE);
        }
    }

    /** The entries and the page-cache slot of head, page-table and mm by identity, sorted (for tests). */
    List<String> describe(long head) {
        List<String> out = new ArrayList<>();
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            out.add(String.format("pt@%x %x%s", System.identityHashCode(r.vma().pt), r.addr(), r.pmd() ? " pmd" : ""));
        }
        CacheRef c = cache.get(head);
        if (c != null) {
            out.add(String.format("cache@%x %d", System.identityHashCode(c.file()), c.index()));
        }
        out.sort(null);
        return out;
    }

    public boolean inPageCache(long head) {
        return cache.containsKey(head);
    }

    /**
     * Points every mapping of src at the same offset of dst (remove_migration_ptes); with
     * {@code writeProtect} the restored entries lose write access (a write-protected node).
     */
    public void retarget(long src, long dst, boolean writeProtect) {
        List<PteRef> refs = ptes.getOrDefault(src, List.of());
        for (PteRef r : refs) {
            long pte = r.get();
            long offset = Pte.pfn(pte) - src; // 0 for a huge PMD: it maps the head
            long np = (pte & ~Pte.PFN_MASK) | (dst + offset);
            r.set(writeProtect ? np & ~Pte.WRITE : np);
        }
        if (refs.size() == 1 && !refs.get(0).pmd()) {
            rmap.anonFault(dst, refs.get(0).vma(), refs.get(0).addr()); // folio_migrate_mapping: the copy takes the mapping
        }
        CacheRef c = cache.get(src);
        if (c != null) {
            c.file().setCached(c.index(), dst);
        }
    }
}
