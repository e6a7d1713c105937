package org.mmproto.core.reclaim;

import java.util.BitSet;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.WatermarkBoost;
import org.mmproto.core.mm.Zone;

/**
 * A private node's reported pressure turned into its watermark_boost, as the design says
 * (RFC v4's cram_set_pressure under ops-struct), and the node's kswapd woken for a boost above
 * 0 so that balance_pgdat evicts from the node ("if compression ratios are bad, we stop demoting
 * pages and start evicting pages aggressively"). The wake waits for the next tick: a pressure
 * arrives inside one of the driver's own calls, and waking asks that driver's reclaim_policy.
 */
final class PressureBoost {
    private final PhysicalMemory mem;
    private final Dispatcher dispatcher;
    private final BitSet wakePending = new BitSet();

    PressureBoost(PhysicalMemory mem, Dispatcher dispatcher) {
        this.mem = mem;
        this.dispatcher = dispatcher;
    }

    void pressure(int nid, int pressure) {
        Zone first = firstPopulated(nid);
        if (first == null) {
            return;
        }
        long boost = dispatcher.watermarkBoost(nid, pressure, first.managedPages());
        WatermarkBoost.set(mem.node(nid), boost);
        wakePending.set(nid, boost > 0);
    }

    /** Wakes the kswapd of every node boosted since the last tick. */
    void wakePending(Reclaim reclaim) {
        for (int nid = wakePending.nextSetBit(0); nid >= 0; nid = wakePending.nextSetBit(nid + 1)) {
            Zone first = firstPopulated(nid);
            reclaim.wakeKswapd(nid, 0, first.type().ordinal(), 0);
        }
        wakePending.clear();
    }

    private Zone firstPopulated(int nid) {
        for (Zone z : mem.node(nid).zones()) {
            if (z.managedPages() > 0) {
                return z;
            }
        }
        return null;
    }
}
