package org.mmproto.core.mm;

import java.util.Arrays;

/**
 * What mm/compaction.c does to the memmap and the free lists of one zone: reading a page's
 * state for the scanners, taking a free block off its list (isolate_freepages_block), turning an
 * isolated block into a migration target (compaction_alloc's prep_new_page), and putting unused
 * isolated blocks back (release_free_list). The scanners themselves live in
 * {@code org.mmproto.core.compaction}; this class only reaches what {@link Zone} keeps private.
 */
public final class CompactionPages {
    /** What the migrate scanner sees at a pfn. */
    public enum Kind { FREE, FOLIO_HEAD, OTHER }

    private CompactionPages() {
    }

    public static Kind kind(Zone z, long pfn) {
        byte s = z.state[(int) (pfn - z.startPfn)];
        return switch (PageState.kind(s)) {
            case PageState.BUDDY -> Kind.FREE;
            case PageState.HEAD -> Kind.FOLIO_HEAD;
            default -> Kind.OTHER;
        };
    }

    /** The order of the free buddy block starting at {@code pfn}, or -1 when none starts there. */
    public static int freeBlockOrder(Zone z, long pfn) {
        byte s = z.state[(int) (pfn - z.startPfn)];
        return PageState.kind(s) == PageState.BUDDY ? PageState.order(s) : -1;
    }

    /** suitable_migration_target's pageblock test: only MOVABLE pageblocks give targets. */
    public static boolean movableBlock(Zone z, long pfn) {
        return z.pageblockMigratetype(pfn) == Buddy.MOVABLE;
    }

    /**
     * Takes the free block at {@code pfn} off its free list (NR_FREE_PAGES drops); the pages are
     * then the compaction run's, neither free nor allocated. Returns its order.
     */
    public static int isolateFree(Zone z, long pfn) {
        int i = (int) (pfn - z.startPfn);
        byte s = z.state[i];
        if (PageState.kind(s) != PageState.BUDDY) {
            throw new IllegalStateException(String.format("pfn 0x%x is not a free block (%s)", pfn, PageState.describe(s)));
        }
        int order = PageState.order(s);
        z.delFromFreeList(i, order, PageState.migratetype(s));
        z.freePages -= 1L << order;
        z.compactFreeIsolated += 1L << order;
        return order;
    }

    /** An isolated block becomes a folio of {@code order} with one reference (the migration target). */
    public static long prepTarget(Zone z, long pfn, int order) {
        int i = (int) (pfn - z.startPfn);
        z.state[i] = PageState.head(order, z.pageblockMigratetype(pfn));
        z.next[i] = 1;
        z.prev[i] = 0;
        if (order > 0) {
            Arrays.fill(z.state, i + 1, i + (1 << order), (byte) PageState.TAIL);
            z.prev[i + 1] = 0; // _entire_mapcount
        }
        return pfn;
    }

    /**
     * release_free_list: an isolated block the run did not use becomes an allocated page
     * (mark_allocated) and is freed with __free_pages, so it goes to the per-cpu list where its
     * order allows, or the buddy allocator, and counts in pgfree although its isolation counted no
     * pgalloc.
     */
    public static void releaseFree(PageAllocator alloc, Zone z, long pfn, int order) {
        prepTarget(z, pfn, order);
        alloc.freeFolio(z, (int) (pfn - z.startPfn), order);
    }

    /**
     * Pages compaction's free scanner has isolated from {@code z} since boot. Each leaves the
     * allocator's books without a pgalloc: as a migration target (an allocated folio) or released
     * (a pgfree), so per node pgalloc_* - pgfree = pages in folios - this sum.
     */
    public static long freeIsolated(Zone z) {
        return z.compactFreeIsolated;
    }

    /** The zone's per-CPU lists back to the buddy allocator (compaction sees only buddy pages). */
    public static void drainPcp(Zone z) {
        Pcp.drain(z);
    }
}
