package org.mmproto.core.mm;

/**
 * Where the page allocator hands over to reclaim: waking kswapd on a node, and running direct
 * reclaim. The reclaim subsystem implements it; until then {@link NoReclaim} records the calls.
 */
public interface ReclaimSeam {
    /** wakeup_kswapd: the allocator found the node below its low watermark. */
    void wakeKswapd(int nid, int order, int highestZoneIdx, int gfp);

    /**
     * try_to_free_pages for the zones of the zonelist up to {@code highestZoneIdx}.
     *
     * @return pages reclaimed (progress); 0 when nothing could be freed
     */
    long directReclaim(int localNid, int order, int gfp, int highestZoneIdx);

    /** Pages the zone could still reclaim, for should_reclaim_retry. */
    long reclaimablePages(Zone zone);
}
