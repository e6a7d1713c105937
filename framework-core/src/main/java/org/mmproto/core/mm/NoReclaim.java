package org.mmproto.core.mm;

import org.mmproto.api.NodeMask;
/** No reclaim (allocator tests, the stress command): nothing is reclaimable; kswapd wakeups and direct reclaim entries are counted. */
public final class NoReclaim implements ReclaimSeam {
    private final long[] kswapdWakeups;
    private long directReclaimRuns;

    public NoReclaim(int nodes) {
        this.kswapdWakeups = new long[nodes];
    }

    @Override
    public void wakeKswapd(int nid, int order, int highestZoneIdx, int gfp) {
        kswapdWakeups[nid]++;
    }

    @Override
    public long directReclaim(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask,
                              int order, int gfp, int localNid) {
        directReclaimRuns++;
        return 0;
    }

    @Override
    public long reclaimablePages(Zone zone) {
        return 0;
    }

    public long kswapdWakeups(int nid) {
        return kswapdWakeups[nid];
    }

    public long directReclaimRuns() {
        return directReclaimRuns;
    }
}
