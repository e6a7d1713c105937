package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A reverse map built on demand (rmap_walk): for a set of folios, every page-table entry and
 * page-cache slot that refers to them, found by one walk over all address spaces. Migration uses
 * it to switch mappings to the copy; the fault path pays nothing for it.
 */
public final class Mappings {
    private record PteRef(Vma vma, int index) {
    }

    private record CacheRef(ShmemFile file, int index) {
    }

    private final Map<Long, List<PteRef>> ptes = new HashMap<>();
    private final Map<Long, CacheRef> cache = new HashMap<>();

    private Mappings() {
    }

    public static Mappings index(Kernel k, List<Long> folioHeads) {
        Set<Long> wanted = new HashSet<>(folioHeads);
        Mappings m = new Mappings();
        for (Task t : k.tasks()) {
            if (t.mm == null) {
                continue;
            }
            for (Vma v : t.mm.vmas.values()) {
                for (int i = 0; i < v.ptes.length; i++) {
                    long pte = v.ptes[i];
                    if (!Pte.present(pte) || (pte & Pte.ZERO) != 0) {
                        continue;
                    }
                    long head = FaultHandler.folioHead(k, pte);
                    if (wanted.contains(head)) {
                        m.ptes.computeIfAbsent(head, x -> new ArrayList<>()).add(new PteRef(v, i));
                    }
                }
            }
        }
        for (ShmemFile f : k.memfds()) {
            for (int i = 0; i < f.cache.length; i++) {
                if (f.cache[i] >= 0 && wanted.contains(f.cache[i])) {
                    m.cache.put(f.cache[i], new CacheRef(f, i));
                }
            }
        }
        return m;
    }

    /** Clears every page-table entry and the page-cache slot of head; returns the references they held. */
    public int unmapAll(long head) {
        int refs = 0;
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            r.vma().ptes[r.index()] = 0;
            refs++;
        }
        CacheRef c = cache.get(head);
        if (c != null) {
            c.file().cache[c.index()] = -1;
            refs++;
        }
        return refs;
    }

    /** For a large folio: how many page-table entries map each of its pages. */
    public int[] ptesPerPage(long head, int nr) {
        int[] n = new int[nr];
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            n[(int) (Pte.pfn(r.vma().ptes[r.index()]) - head)]++;
        }
        return n;
    }

    /** Entries of a folio being split no longer map a THP. */
    public void clearHuge(long head) {
        for (PteRef r : ptes.getOrDefault(head, List.of())) {
            r.vma().ptes[r.index()] &= ~Pte.HUGE;
        }
    }

    public boolean inPageCache(long head) {
        return cache.containsKey(head);
    }

    /**
     * Points every mapping of src at the same offset of dst (remove_migration_ptes); with
     * {@code writeProtect} the restored entries lose write access (a write-protected node).
     */
    public void retarget(long src, long dst, boolean writeProtect) {
        for (PteRef r : ptes.getOrDefault(src, List.of())) {
            long pte = r.vma().ptes[r.index()];
            long offset = Pte.pfn(pte) - src;
            long np = (pte & ~Pte.PFN_MASK) | (dst + offset);
            r.vma().ptes[r.index()] = writeProtect ? np & ~Pte.WRITE : np;
        }
        CacheRef c = cache.get(src);
        if (c != null) {
            c.file().cache[c.index()] = dst;
        }
    }
}
