package org.mmproto.core.thp;

import org.mmproto.core.mm.DeferredSplitQueue;
import org.mmproto.core.mm.Shrinkers;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.ThpSplit;

/**
 * The THP deferred-split shrinker (deferred_split_count / deferred_split_scan): under memory
 * pressure reclaim asks it to split the folios its node's queue holds, freeing the pages no entry
 * maps any more ({@code thp_split_page}; a folio a pin keeps whole counts {@code thp_split_page_failed}
 * and is queued again). scan returns the folios split, as deferred_split_scan does.
 */
public final class DeferredSplitShrinker implements Shrinkers.Shrinker {
    private final MmCore k;
    private final Rmap rmap;
    private final DeferredSplitQueue queue;

    public DeferredSplitShrinker(MmCore k, Rmap rmap) {
        this.k = k;
        this.rmap = rmap;
        this.queue = k.folioRelease().deferredSplit();
    }

    @Override
    public long count(int nid) {
        return queue.queued(nid);
    }

    @Override
    public long scan(int nid, long nrToScan) {
        long split = 0;
        for (long head : queue.take(nid, (int) Math.min(nrToScan, Integer.MAX_VALUE))) {
            split += ThpSplit.splitQueued(k, rmap, head) > 0 ? 1 : 0;
        }
        return split;
    }
}
