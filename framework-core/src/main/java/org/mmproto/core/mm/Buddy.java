package org.mmproto.core.mm;

import static org.mmproto.core.mm.Zone.MAX_PAGE_ORDER;
import static org.mmproto.core.mm.Zone.NR_LISTS;
import static org.mmproto.core.mm.Zone.NR_PAGE_ORDERS;
import static org.mmproto.core.mm.Zone.PAGEBLOCK_NR_PAGES;
import static org.mmproto.core.mm.Zone.PAGEBLOCK_ORDER;

import org.mmproto.api.MigrateType;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;

/**
 * The buddy allocator of one zone ({@code __rmqueue}, {@code expand}, {@code __free_one_page}),
 * following mm/page_alloc.c of 6.12: smallest-first from the wanted migratetype, then claiming a
 * whole pageblock of a fallback type, then stealing a single block. Works on zone-relative
 * indices; all methods assume the caller validated order and migratetype.
 */
final class Buddy {
    static final int UNMOVABLE = 0;
    static final int MOVABLE = 1;
    static final int RECLAIMABLE = 2;
    static final int HIGHATOMIC = 3;
    static final int ISOLATE = 4;

    /** fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1]. */
    private static final int[][] FALLBACKS = {
        {RECLAIMABLE, MOVABLE},     // UNMOVABLE
        {RECLAIMABLE, UNMOVABLE},   // MOVABLE
        {UNMOVABLE, MOVABLE},       // RECLAIMABLE
    };

    private Buddy() {
    }

    static int fallback(int mt, int i) {
        return FALLBACKS[mt][i];
    }

    /**
     * Removes a block of {@code order} for {@code mt}; returns the zone-relative index of its
     * first page or -1. The caller turns the pages into a folio.
     */
    static int rmqueue(Zone z, int order, int mt, int allocFlags) {
        int i = rmqueueSmallest(z, order, mt);
        if (i >= 0) {
            return i;
        }
        i = rmqueueClaim(z, order, mt, allocFlags);
        if (i >= 0) {
            return i;
        }
        if ((allocFlags & AllocFlags.ALLOC_NOFRAGMENT) == 0) {
            return rmqueueSteal(z, order, mt);
        }
        return -1;
    }

    static int rmqueueSmallest(Zone z, int order, int mt) {
        for (int o = order; o < NR_PAGE_ORDERS; o++) {
            int i = z.freeHead[o * NR_LISTS + mt];
            if (i >= 0) {
                z.delFromFreeList(i, o, mt);
                z.freePages -= 1L << o;
                expand(z, i, order, o, mt);
                return i;
            }
        }
        return -1;
    }

    /** Puts the upper halves of a split block back, largest first. */
    private static void expand(Zone z, int i, int low, int high, int mt) {
        int size = 1 << high;
        while (high > low) {
            high--;
            size >>= 1;
            z.addToFreeList(i + size, high, mt, false);
            z.freePages += size;
        }
    }

    /** find_suitable_fallback; returns the fallback type or -1, and whether it may be claimed. */
    private static int findSuitableFallback(Zone z, int order, int mt, boolean[] canSteal) {
        if (z.nrFree[order] == 0) {
            return -1;
        }
        canSteal[0] = false;
        for (int k = 0; k < MigrateType.MIGRATE_PCPTYPES - 1; k++) {
            int fmt = FALLBACKS[mt][k];
            if (z.freeHead[order * NR_LISTS + fmt] < 0) {
                continue;
            }
            canSteal[0] = canStealFallback(order, mt);
            return fmt;
        }
        return -1;
    }

    private static boolean canStealFallback(int order, int startMt) {
        return order >= PAGEBLOCK_ORDER / 2 || startMt == RECLAIMABLE || startMt == UNMOVABLE;
    }

    private static int rmqueueClaim(Zone z, int order, int mt, int allocFlags) {
        int minOrder = order;
        if (order < PAGEBLOCK_ORDER && (allocFlags & AllocFlags.ALLOC_NOFRAGMENT) != 0) {
            minOrder = PAGEBLOCK_ORDER;
        }
        boolean[] canSteal = new boolean[1];
        for (int o = MAX_PAGE_ORDER; o >= minOrder; o--) {
            int fmt = findSuitableFallback(z, o, mt, canSteal);
            if (fmt < 0) {
                continue;
            }
            if (!canSteal[0]) {
                break;
            }
            int i = z.freeHead[o * NR_LISTS + fmt];
            int got = tryToClaimBlock(z, i, o, order, mt, fmt);
            if (got >= 0) {
                extfrag(z, got, order, o, mt, fmt);
                return got;
            }
        }
        return -1;
    }

    /** try_to_steal_block (named claim in later kernels). */
    private static int tryToClaimBlock(Zone z, int i, int currentOrder, int order, int startMt, int blockMt) {
        if (blockMt == HIGHATOMIC) {
            return -1;
        }
        long pfn = z.startPfn + i;
        if (currentOrder >= PAGEBLOCK_ORDER) {
            z.delFromFreeList(i, currentOrder, blockMt);
            z.freePages -= 1L << currentOrder;
            changePageblockRange(z, pfn, currentOrder, startMt);
            expand(z, i, order, currentOrder, startMt);
            return i;
        }
        long blockStart = pfn & ~(long) (PAGEBLOCK_NR_PAGES - 1);
        long blockEnd = blockStart + PAGEBLOCK_NR_PAGES;
        if (!z.spans(blockStart) || !z.spans(blockEnd - 1)) {
            return -1;
        }
        int freeInBlock = 0;
        int movable = 0;
        for (long p = blockStart; p < blockEnd; ) {
            byte s = z.state[(int) (p - z.startPfn)];
            int kind = PageState.kind(s);
            if (kind == PageState.BUDDY) {
                int nr = 1 << PageState.order(s);
                freeInBlock += nr;
                p += nr;
                continue;
            }
            if (kind == PageState.HEAD && PageState.migratetype(s) == MOVABLE) {
                // Folio pages of movable allocations stand in for PageLRU/__PageMovable.
                int nr = 1 << PageState.order(s);
                movable += nr;
                p += nr;
                continue;
            }
            p++;
        }
        int alike;
        if (startMt == MOVABLE) {
            alike = movable;
        } else {
            alike = blockMt == MOVABLE ? PAGEBLOCK_NR_PAGES - (freeInBlock + movable) : 0;
        }
        if (freeInBlock + alike >= (1 << (PAGEBLOCK_ORDER - 1))) {
            moveFreepagesBlock(z, blockStart, blockMt, startMt);
            return rmqueueSmallest(z, order, startMt);
        }
        return -1;
    }

    private static int rmqueueSteal(Zone z, int order, int mt) {
        boolean[] canSteal = new boolean[1];
        for (int o = order; o < NR_PAGE_ORDERS; o++) {
            int fmt = findSuitableFallback(z, o, mt, canSteal);
            if (fmt < 0) {
                continue;
            }
            int i = z.freeHead[o * NR_LISTS + fmt];
            z.delFromFreeList(i, o, fmt);
            z.freePages -= 1L << o;
            expand(z, i, order, o, fmt);
            extfrag(z, i, order, o, mt, fmt);
            return i;
        }
        return -1;
    }

    /** kmem:mm_page_alloc_extfrag, where __rmqueue_fallback took a block of another migratetype. */
    private static void extfrag(Zone z, int i, int order, int fallbackOrder, int startMt, int fallbackMt) {
        if (z.tracer.on(Tracepoint.MM_PAGE_ALLOC_EXTFRAG)) {
            long pfn = z.startPfn + i;
            z.tracer.emit(Tracepoint.MM_PAGE_ALLOC_EXTFRAG, z.nid, Tracer.page(pfn), pfn, order, fallbackOrder,
                    PAGEBLOCK_ORDER, startMt, fallbackMt, fallbackOrder < PAGEBLOCK_ORDER ? 1 : 0,
                    z.pageblockMigratetype(pfn) == startMt ? 1 : 0);
        }
    }

    private static void changePageblockRange(Zone z, long pfn, int order, int mt) {
        int blocks = order >= PAGEBLOCK_ORDER ? 1 << (order - PAGEBLOCK_ORDER) : 1;
        for (int b = 0; b < blocks; b++) {
            z.setPageblockMt(pfn + ((long) b << PAGEBLOCK_ORDER), mt);
        }
    }

    /** __move_freepages_block: every free block in the pageblock moves to the new type's list. */
    static int moveFreepagesBlock(Zone z, long blockStart, int oldMt, int newMt) {
        long end = blockStart + PAGEBLOCK_NR_PAGES;
        int moved = 0;
        for (long p = blockStart; p < end; ) {
            int i = (int) (p - z.startPfn);
            byte s = z.state[i];
            if (PageState.kind(s) != PageState.BUDDY) {
                p++;
                continue;
            }
            int o = PageState.order(s);
            z.delFromFreeList(i, o, PageState.migratetype(s));
            z.addToFreeList(i, o, newMt, true);
            p += 1L << o;
            moved += 1 << o;
        }
        z.setPageblockMt(blockStart, newMt);
        return moved;
    }

    private static boolean mergeable(int mt) {
        return mt != ISOLATE;
    }

    /**
     * __free_one_page: merges with free buddies of the same order up to MAX_PAGE_ORDER and puts
     * the result on the free list of the pageblock's migratetype.
     */
    static void freeOnePage(Zone z, int i, int order, int mt) {
        z.freePages += 1L << order;
        long pfn = z.startPfn + i;
        long buddyPfn = 0;
        while (order < MAX_PAGE_ORDER) {
            buddyPfn = pfn ^ (1L << order);
            if (!isBuddy(z, buddyPfn, order)) {
                break;
            }
            int bi = (int) (buddyPfn - z.startPfn);
            int buddyMt = PageState.migratetype(z.state[bi]);
            if (order >= PAGEBLOCK_ORDER) {
                buddyMt = z.pageblockMigratetype(buddyPfn);
                if (mt != buddyMt && (!mergeable(mt) || !mergeable(buddyMt))) {
                    break;
                }
            }
            z.delFromFreeList(bi, order, PageState.migratetype(z.state[bi]));
            if (buddyMt != mt) {
                changePageblockRange(z, buddyPfn, order, mt);
            }
            pfn &= buddyPfn;
            order++;
        }
        boolean toTail = buddyMergeLikely(z, pfn, buddyPfn, order);
        z.addToFreeList((int) (pfn - z.startPfn), order, mt, toTail);
    }

    private static boolean isBuddy(Zone z, long pfn, int order) {
        if (!z.spans(pfn)) {
            return false;
        }
        byte s = z.state[(int) (pfn - z.startPfn)];
        return PageState.kind(s) == PageState.BUDDY && PageState.order(s) == order;
    }

    /** If the next-higher buddy is free, the block is likely to merge soon: queue it at the tail. */
    private static boolean buddyMergeLikely(Zone z, long pfn, long buddyPfn, int order) {
        if (order >= MAX_PAGE_ORDER - 1) {
            return false;
        }
        long higher = buddyPfn & pfn;
        return isBuddy(z, higher ^ (1L << (order + 1)), order + 1);
    }
}
