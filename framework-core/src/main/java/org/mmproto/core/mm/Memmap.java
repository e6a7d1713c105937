package org.mmproto.core.mm;

import org.mmproto.api.ZoneType;
import org.mmproto.core.stats.VmStat;

/**
 * The {@code struct folio} fields of allocated folios, kept in the memmap arrays a free block
 * would use for its list links (as the kernel's unions do): {@code _refcount} in {@code next},
 * mapcount and folio flags in {@code prev}. Addressed by the pfn of the folio's head page.
 */
public final class Memmap {
    /** Folio flags (upper bits of the mapcount word). */
    public static final int PG_ANON = 1 << 24;
    public static final int PG_SWAPBACKED = 1 << 25;
    public static final int PG_DIRTY = 1 << 26;
    public static final int PG_LRU = 1 << 27;
    public static final int PG_ZERO_PAGE = 1 << 28;
    public static final int PG_PINNED = 1 << 29;
    /** Kept by its private node's driver after the last put (free_folio answered "keep"). */
    public static final int PG_KEPT = 1 << 30;
    /** PG_hwpoison: the page is bad; it is unmapped and never handed out again. */
    public static final int PG_HWPOISON = 1 << 31;
    /**
     * PG_table (the page type pagetable_*_ctor sets): a page of a user page table. It sits below
     * the folio flags, so the mapcount is 23 bits here (8 M mappings of one folio).
     */
    public static final int PG_TABLE = 1 << 23;
    static final int MAPCOUNT_MASK = (1 << 23) - 1;
    /** A FOLL_PIN on a small folio adds this to _refcount. */
    public static final int GUP_PIN_COUNTING_BIAS = 1024;

    private final PhysicalMemory mem;

    public Memmap(PhysicalMemory mem) {
        this.mem = mem;
    }

    private Zone head(long pfn) {
        Zone z = mem.zoneOf(pfn);
        if (z == null || PageState.kind(z.state[(int) (pfn - z.startPfn)]) != PageState.HEAD) {
            throw new IllegalStateException(String.format("pfn 0x%x is not the head of an allocated folio", pfn));
        }
        return z;
    }

    public boolean isFolioHead(long pfn) {
        Zone z = mem.zoneOf(pfn);
        return z != null && PageState.kind(z.state[(int) (pfn - z.startPfn)]) == PageState.HEAD;
    }

    public int refcount(long pfn) {
        Zone z = head(pfn);
        return z.next[(int) (pfn - z.startPfn)];
    }

    /**
     * folio_ref_add / folio_ref_sub: adds {@code delta} to the folio's refcount; a negative delta
     * drops references (the last one is dropped through {@link FolioRelease}, not here).
     */
    public void addRefs(long pfn, int delta) {
        Zone z = head(pfn);
        z.next[(int) (pfn - z.startPfn)] += delta;
    }

    /**
     * folio_maybe_dma_pinned: a small folio's refcount reaches the pin bias; a large folio's pins
     * also sit in its refcount here (no separate _pincount), so the references its mappings do
     * not explain are compared instead. Migration, compaction, demotion and reclaim leave such a
     * folio alone. False positives are possible, as in the kernel (1024 plain references).
     */
    public boolean maybeDmaPinned(long pfn) {
        int refs = refcount(pfn);
        return order(pfn) == 0 ? refs >= GUP_PIN_COUNTING_BIAS : refs - mapcount(pfn) >= GUP_PIN_COUNTING_BIAS;
    }

    public int mapcount(long pfn) {
        Zone z = head(pfn);
        return z.prev[(int) (pfn - z.startPfn)] & MAPCOUNT_MASK;
    }

    public void addMapcount(long pfn, int delta) {
        Zone z = head(pfn);
        int i = (int) (pfn - z.startPfn);
        int mc = (z.prev[i] & MAPCOUNT_MASK) + delta;
        if (mc < 0 || mc > MAPCOUNT_MASK) {
            throw new IllegalStateException(String.format("mapcount %s on folio 0x%x", mc < 0 ? "underflow" : "overflow", pfn));
        }
        z.prev[i] = (z.prev[i] & ~MAPCOUNT_MASK) | mc;
    }

    /**
     * folio_entire_mapcount: how many PMDs map the whole large folio. Kept in the first tail
     * page's word (the kernel's {@code _entire_mapcount} lives in the first tail page too); the
     * folio's {@link #mapcount} counts each PMD mapping once besides its PTE mappings, as
     * {@code _large_mapcount} does.
     */
    public int entireMapcount(long head) {
        Zone z = head(head);
        int i = (int) (head - z.startPfn);
        return PageState.order(z.state[i]) == 0 ? 0 : z.prev[i + 1];
    }

    public void addEntireMapcount(long head, int delta) {
        Zone z = head(head);
        int i = (int) (head - z.startPfn);
        if (PageState.order(z.state[i]) == 0 || z.prev[i + 1] + delta < 0) {
            throw new IllegalStateException(String.format("entire mapcount %d%+d on folio 0x%x of order %d",
                    PageState.order(z.state[i]) == 0 ? 0 : z.prev[i + 1], delta, head, PageState.order(z.state[i])));
        }
        int before = z.prev[i + 1];
        z.prev[i + 1] += delta;
        // __folio_add_anon_rmap / __folio_remove_rmap at RMAP_LEVEL_PMD: NR_ANON_THPS follows the
        // first PMD mapping of an anonymous folio and its last one
        if ((before == 0) != (z.prev[i + 1] == 0) && (z.prev[i] & PG_ANON) != 0) {
            mem.count(z.nid, VmStat.NR_ANON_TRANSPARENT_HUGEPAGES, before == 0 ? 1 : -1);
        }
    }

    /** A newly allocated folio gets its flags and first mappings in one step; returns its zone. */
    public Zone initMapped(long pfn, int flags, int mapcount) {
        Zone z = head(pfn);
        z.prev[(int) (pfn - z.startPfn)] = (flags & ~MAPCOUNT_MASK) | mapcount;
        return z;
    }

    public int flags(long pfn) {
        Zone z = head(pfn);
        return z.prev[(int) (pfn - z.startPfn)] & ~MAPCOUNT_MASK;
    }

    public void setFlags(long pfn, int flags) {
        Zone z = head(pfn);
        z.prev[(int) (pfn - z.startPfn)] |= flags & ~MAPCOUNT_MASK;
    }

    public void clearFlags(long pfn, int flags) {
        Zone z = head(pfn);
        z.prev[(int) (pfn - z.startPfn)] &= ~(flags & ~MAPCOUNT_MASK);
    }

    public int order(long pfn) {
        Zone z = head(pfn);
        return PageState.order(z.state[(int) (pfn - z.startPfn)]);
    }

    public int nid(long pfn) {
        return head(pfn).nid;
    }

    public ZoneType zone(long pfn) {
        return head(pfn).type;
    }
}
