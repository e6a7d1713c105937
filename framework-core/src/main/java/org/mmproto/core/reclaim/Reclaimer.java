package org.mmproto.core.reclaim;

import org.mmproto.core.stats.VmStat;
import org.mmproto.core.tier.DemoteCaller;

/** Who reclaims ({@code reclaimer_offset}): the counters pgscan_* and pgsteal_* are split by it. */
public enum Reclaimer {
    KSWAPD(VmStat.PGSCAN_KSWAPD, VmStat.PGSTEAL_KSWAPD, DemoteCaller.KSWAPD),
    DIRECT(VmStat.PGSCAN_DIRECT, VmStat.PGSTEAL_DIRECT, DemoteCaller.DIRECT),
    /** memory.reclaim / the node's reclaim file (pgscan_proactive, pgsteal_proactive: mainline after 6.12). */
    PROACTIVE(VmStat.PGSCAN_PROACTIVE, VmStat.PGSTEAL_PROACTIVE, DemoteCaller.PROACTIVE);

    final VmStat scan;
    final VmStat steal;
    /** Whose pgdemote_* a demotion during this reclaim counts in. */
    final DemoteCaller demote;

    Reclaimer(VmStat scan, VmStat steal, DemoteCaller demote) {
        this.scan = scan;
        this.steal = steal;
        this.demote = demote;
    }
}
