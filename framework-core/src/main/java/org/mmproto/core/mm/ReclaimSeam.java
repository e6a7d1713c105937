package org.mmproto.core.mm;

import org.mmproto.api.NodeMask;

/**
 * Where the page allocator hands over to reclaim: waking kswapd on a node, and running direct
 * reclaim. The reclaim subsystem ({@code org.mmproto.core.reclaim}) implements it; kernels
 * built without one use {@link NoReclaim}.
 */
public interface ReclaimSeam {
    /** wakeup_kswapd: the allocator found the node below its low watermark. */
    void wakeKswapd(int nid, int order, int highestZoneIdx, int gfp);

    /**
     * try_to_free_pages over the allocation's zonelist: the zones from {@code prefIdx} on, up to
     * {@code highestZoneIdx}, of the nodes in {@code nodemask} (null = all).
     *
     * @return pages reclaimed (progress); 0 when nothing could be freed
     */
    long directReclaim(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask, int order, int gfp,
                       int localNid);

    /** Pages the zone could still reclaim, for should_reclaim_retry. */
    long reclaimablePages(Zone zone);
}
