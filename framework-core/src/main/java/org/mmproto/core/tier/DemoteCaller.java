package org.mmproto.core.tier;

import org.mmproto.core.stats.VmStat;

/** Who demotes (reclaimer_offset): pgdemote_* is split by it and counted on the source node. */
public enum DemoteCaller {
    KSWAPD(VmStat.PGDEMOTE_KSWAPD),
    DIRECT(VmStat.PGDEMOTE_DIRECT),
    /** Direct reclaim from khugepaged's collapse allocation. */
    KHUGEPAGED(VmStat.PGDEMOTE_KHUGEPAGED),
    /** memory.reclaim / the node's reclaim file, and the {@code demote} step (mainline after 6.12). */
    PROACTIVE(VmStat.PGDEMOTE_PROACTIVE);

    final VmStat counter;

    DemoteCaller(VmStat counter) {
        this.counter = counter;
    }
}
