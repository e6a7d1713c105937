package org.mmproto.core.hooks;

import org.mmproto.core.mm.ReclaimSeam;
import org.mmproto.core.mm.Zone;

/**
 * zone_reclaim_allowed in front of the reclaim subsystem: waking kswapd for a private node asks
 * the design (Site.RECLAIM) first, and a node the design keeps out of reclaim is not woken.
 */
public final class PrivateNodeReclaim implements ReclaimSeam {
    private final Dispatcher dispatcher;
    private final ReclaimSeam reclaim;

    public PrivateNodeReclaim(Dispatcher dispatcher, ReclaimSeam reclaim) {
        this.dispatcher = dispatcher;
        this.reclaim = reclaim;
    }

    @Override
    public void wakeKswapd(int nid, int order, int highestZoneIdx, int gfp) {
        if (dispatcher.isPrivate(nid) && !dispatcher.reclaim(nid).active()) {
            return;
        }
        reclaim.wakeKswapd(nid, order, highestZoneIdx, gfp);
    }

    @Override
    public long directReclaim(int localNid, int order, int gfp, int highestZoneIdx) {
        return reclaim.directReclaim(localNid, order, gfp, highestZoneIdx);
    }

    @Override
    public long reclaimablePages(Zone zone) {
        return reclaim.reclaimablePages(zone);
    }
}
