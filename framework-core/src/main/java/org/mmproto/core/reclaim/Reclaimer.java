package org.mmproto.core.reclaim;

import org.mmproto.core.stats.VmStat;

/** Who reclaims ({@code reclaimer_offset}): the counters pgscan_* and pgsteal_* are split by it. */
public enum Reclaimer {
    KSWAPD(VmStat.PGSCAN_KSWAPD, VmStat.PGSTEAL_KSWAPD),
    DIRECT(VmStat.PGSCAN_DIRECT, VmStat.PGSTEAL_DIRECT),
    /** memory.reclaim / the node's reclaim file (pgscan_proactive, pgsteal_proactive: mainline after 6.12). */
    PROACTIVE(VmStat.PGSCAN_PROACTIVE, VmStat.PGSTEAL_PROACTIVE);

    final VmStat scan;
    final VmStat steal;

    Reclaimer(VmStat scan, VmStat steal) {
        this.scan = scan;
        this.steal = steal;
    }
}
