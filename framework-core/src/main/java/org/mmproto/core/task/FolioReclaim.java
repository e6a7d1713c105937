package org.mmproto.core.task;

import java.util.List;

/**
 * reclaim_pages (mm/vmscan.c): where MADV_PAGEOUT hands the folios it isolated. The reclaim
 * subsystem implements it; kernels without one (bare-checkpoint allocator tests) reclaim nothing.
 */
@FunctionalInterface
public interface FolioReclaim {
    FolioReclaim NONE = heads -> 0;

    /** Reclaims the folios at {@code heads} now; returns the pages freed. */
    long reclaimPages(List<Long> heads);
}
