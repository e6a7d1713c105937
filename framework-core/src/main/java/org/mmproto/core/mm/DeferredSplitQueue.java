package org.mmproto.core.mm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.mmproto.core.stats.VmStat;

/**
 * Each node's {@code deferred_split_queue} (mm/huge_memory.c, on the pgdat without memcg): large
 * anonymous folios an unmap left partly mapped, waiting for the deferred-split shrinker to split
 * them and free their unmapped pages. A folio joins once ({@code thp_deferred_split_page} counts
 * the joins) and leaves when it is split or freed (folio_undo_large_rmappable).
 */
public final class DeferredSplitQueue {
    private final PhysicalMemory mem;
    private final List<LinkedHashSet<Long>> queues = new ArrayList<>();

    DeferredSplitQueue(PhysicalMemory mem) {
        this.mem = mem;
        for (int nid = 0; nid < mem.nodeCount(); nid++) {
            queues.add(new LinkedHashSet<>());
        }
    }

    /** deferred_split_folio: queues the folio at head on node nid; true when it was not queued yet. */
    public boolean queue(long head, int nid) {
        boolean added = queues.get(nid).add(head);
        if (added) {
            mem.count(nid, VmStat.THP_DEFERRED_SPLIT_PAGE, 1);
        }
        return added;
    }

    /** A folio the shrinker could not split goes back on the list, uncounted. */
    public void requeue(long head, int nid) {
        queues.get(nid).add(head);
    }

    void remove(long head) {
        for (LinkedHashSet<Long> q : queues) {
            if (q.remove(head)) {
                return;
            }
        }
    }

    /** Takes up to {@code max} folios off node nid's queue, oldest first (deferred_split_scan's list_splice). */
    public List<Long> take(int nid, int max) {
        List<Long> out = new ArrayList<>();
        var it = queues.get(nid).iterator();
        while (it.hasNext() && out.size() < max) {
            out.add(it.next());
            it.remove();
        }
        return out;
    }

    /** deferred_split_count: folios queued on node nid. */
    public int queued(int nid) {
        return queues.get(nid).size();
    }
}
