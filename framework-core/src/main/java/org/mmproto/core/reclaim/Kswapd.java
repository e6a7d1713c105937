package org.mmproto.core.reclaim;

import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.WatermarkBoost;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmCore;

/**
 * One node's kswapd: wakeup_kswapd records the order and highest zone of the allocation that
 * found the node below its low watermark, unless the node is balanced already or hopeless
 * (MAX_RECLAIM_RETRIES runs without progress); {@link #run} is balance_pgdat, reclaiming until
 * a zone up to that highest zone meets its high watermark (pgdat_balanced), raising the
 * priority when a pass scanned less than it had to reclaim or reclaimed nothing.
 */
final class Kswapd {
    static final int MAX_RECLAIM_RETRIES = 16;

    private final int nid;
    private final MmCore k;
    private final Vmscan vmscan;
    private boolean woken;
    private int order;
    private int highestZoneIdx;
    private ReclaimPolicy policy = ReclaimPolicy.MAINLINE;
    private int failures;
    private long wakeups;

    private static final org.slf4j.Logger LOG = org.mmproto.core.trace.Log.KSWAPD.logger();

    Kswapd(int nid, MmCore k, Vmscan vmscan) {
        this.nid = nid;
        this.k = k;
        this.vmscan = vmscan;
    }

    /** wakeup_kswapd with the node's reclaim policy (mainline, or the design's for a private node). */
    void wake(int order, int highestZoneIdx, ReclaimPolicy policy) {
        if (failures >= MAX_RECLAIM_RETRIES || (balanced(order, highestZoneIdx) && !boosted(highestZoneIdx))) {
            return;
        }
        if (!woken) {
            this.order = order;
            this.highestZoneIdx = highestZoneIdx;
            woken = true;
        } else {
            this.order = Math.max(this.order, order);
            this.highestZoneIdx = Math.max(this.highestZoneIdx, highestZoneIdx);
        }
        this.policy = policy;
        wakeups++;
    }

    /** The order and highest zone of the last wake (kept after the run: what kswapd reclaimed for). */
    int order() {
        return order;
    }

    int highestZoneIdx() {
        return highestZoneIdx;
    }

    boolean woken() {
        return woken;
    }

    long wakeups() {
        return wakeups;
    }

    int failures() {
        return failures;
    }

    /** pgdat_watermark_boosted: some managed zone up to the highest index has a watermark_boost. */
    private boolean boosted(int highestZoneIdx) {
        Node n = k.mem().node(nid);
        for (int i = 0; i <= highestZoneIdx && i < n.zones().size(); i++) {
            Zone z = n.zones().get(i);
            if (z.managedPages() > 0 && z.watermarkBoost() > 0) {
                return true;
            }
        }
        return false;
    }

    /** pgdat_balanced: some managed zone up to the highest index meets its high watermark. */
    boolean balanced(int order, int highestZoneIdx) {
        Node n = k.mem().node(nid);
        for (int i = 0; i <= highestZoneIdx; i++) {
            Zone z = n.zones().get(i);
            if (z.managedPages() > 0 && PageAllocator.watermarkOk(z, order, Zone.WMARK_HIGH, highestZoneIdx)) {
                return true;
            }
        }
        return false;
    }

    /**
     * balance_pgdat; returns the pages reclaimed. Does nothing unless woken. A boosted node
     * (watermark_boost, e.g. CRAM's pressure) that is balanced even with the boost gets boosted
     * reclaim, without swap or write-back unless the private node's reclaim_policy enables them
     * (RFC v4 patch 16); one that is not balanced with the boost gets ordinary reclaim to the
     * boosted high mark. At the end the boost it started with is used up, unless the driver
     * manages its watermarks.
     */
    long run() {
        if (!woken) {
            return 0;
        }
        woken = false;
        Tracer tracer = k.mem().tracer();
        if (tracer.on(Tracepoint.MM_VMSCAN_KSWAPD_WAKE)) {
            tracer.emit(Tracepoint.MM_VMSCAN_KSWAPD_WAKE, nid, nid, order);
        }
        k.mem().count(nid, VmStat.PAGEOUTRUN, 1);
        Node n = k.mem().node(nid);
        long[] zoneBoosts = new long[n.zones().size()];
        long nrBoostReclaim = 0;
        for (int i = 0; i <= highestZoneIdx && i < zoneBoosts.length; i++) {
            Zone z = n.zones().get(i);
            if (z.managedPages() > 0) {
                zoneBoosts[i] = z.watermarkBoost();
                nrBoostReclaim += zoneBoosts[i];
            }
        }
        boolean boosted = nrBoostReclaim > 0;
        ScanControl sc = new ScanControl(nid, Reclaimer.KSWAPD, boosted ? boostedPolicy() : policy);
        while (sc.priority >= 1) {
            boolean balanced = balanced(order, highestZoneIdx);
            if (!balanced && nrBoostReclaim > 0) {
                nrBoostReclaim = 0; // imbalanced: ignore the boost and restart as ordinary reclaim
                ScanControl restart = new ScanControl(nid, Reclaimer.KSWAPD, policy);
                restart.nrReclaimed = sc.nrReclaimed;
                restart.nrScanned = sc.nrScanned;
                sc = restart;
            }
            if (nrBoostReclaim == 0 && balanced) {
                break;
            }
            long target = 0;
            for (int i = 0; i <= highestZoneIdx; i++) {
                Zone z = n.zones().get(i);
                if (z.managedPages() > 0) {
                    target += Math.max(z.watermark(Zone.WMARK_HIGH), ScanControl.SWAP_CLUSTER_MAX);
                }
            }
            sc.reclaimGoal = sc.nrReclaimed + target;
            long scannedBefore = sc.nrScanned;
            long reclaimed = vmscan.shrinkNode(sc);
            nrBoostReclaim -= Math.min(nrBoostReclaim, reclaimed);
            if (nrBoostReclaim > 0 && reclaimed == 0) {
                break; // no progress for a boost
            }
            boolean raise = sc.nrScanned - scannedBefore < target;
            if (raise || reclaimed == 0) {
                sc.priority--;
            }
        }
        failures = sc.nrReclaimed > 0 ? 0 : failures + 1;
        // kswapd_try_to_sleep: prepare_kswapd_sleep fails while the node is unbalanced, so kswapd
        // runs again at the next tick instead of sleeping (until it is hopeless)
        woken = failures < MAX_RECLAIM_RETRIES && !balanced(order, highestZoneIdx);
        if (boosted && !policy.managedWatermarks()) {
            for (int i = 0; i < zoneBoosts.length; i++) {
                if (zoneBoosts[i] > 0) {
                    WatermarkBoost.consume(n.zones().get(i), zoneBoosts[i]);
                }
            }
        }
        LOG.info("kswapd{}: balance_pgdat order {} reclaimed {} pages, priority {}", nid, order, sc.nrReclaimed,
                sc.priority);
        if (!woken && tracer.on(Tracepoint.MM_VMSCAN_KSWAPD_SLEEP)) {
            tracer.emit(Tracepoint.MM_VMSCAN_KSWAPD_SLEEP, nid, nid);
        }
        return sc.nrReclaimed;
    }

    /**
     * Boosted reclaim: may_swap and may_writepage off, as balance_pgdat sets them while
     * nr_boost_reclaim lasts; a private node's reclaim_policy may switch them back on.
     */
    private ReclaimPolicy boostedPolicy() {
        boolean driverEnabled = policy != ReclaimPolicy.MAINLINE;
        return new ReclaimPolicy(policy.active(), driverEnabled && policy.maySwap(),
                driverEnabled && policy.mayWritepage(), policy.managedWatermarks());
    }
}
