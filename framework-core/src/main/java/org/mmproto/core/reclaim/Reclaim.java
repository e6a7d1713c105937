package org.mmproto.core.reclaim;

import org.mmproto.api.Gfp;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.core.compaction.Kcompactd;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Lru;
import org.mmproto.core.mm.ReclaimSeam;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.tier.Demotion;

/**
 * The reclaim subsystem: kswapd per node (woken by the allocator, run by {@link #tick}), direct
 * reclaim on the allocator's slow path (try_to_free_pages) and proactive reclaim of a node
 * (memory.reclaim, the node's {@code reclaim} file). A private node is reclaimed only as the
 * design allows: its policy is asked through the dispatcher (Site.RECLAIM) once per event —
 * each kswapd wake (the run uses what the wake was told), each direct-reclaim call that reaches
 * the node with something to scan, each proactive request — never for an ordinary node.
 */
public final class Reclaim implements ReclaimSeam {
    private final Dispatcher dispatcher;
    private MmCore k;
    private Vmscan vmscan;
    private Kswapd[] kswapd;
    private PressureBoost pressureBoost;
    private long timeMs;
    /** Woken as kswapd goes back to sleep after reclaiming for an order above 0; null before attach. */
    private Kcompactd kcompactd;

    /** Before the kernel exists (the allocator needs the seam first); {@link #attach} completes it. */
    public Reclaim(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    public void attach(MmCore core, Rmap rmap) {
        this.k = core;
        this.vmscan = new Vmscan(core, rmap);
        this.kswapd = new Kswapd[core.mem().nodeCount()];
        for (int nid = 0; nid < kswapd.length; nid++) {
            kswapd[nid] = new Kswapd(nid, core, vmscan);
        }
        this.pressureBoost = new PressureBoost(core.mem(), dispatcher);
    }

    /**
     * The driver of private node {@code nid} reported {@code pressure}: the design sets the
     * node's watermark_boost, and a boosted node's kswapd is woken at the next tick.
     */
    public void driverPressure(int nid, int pressure) {
        pressureBoost.pressure(nid, pressure);
    }

    /** kswapd_try_to_sleep's wakeup_kcompactd. */
    public void attachKcompactd(Kcompactd d) {
        this.kcompactd = d;
    }

    /** Reclaim demotes before it swaps (shrink_folio_list's demote pass) once tiering exists. */
    public void attachDemotion(Demotion d) {
        vmscan.attachDemotion(d);
    }

    private boolean isPrivate(int nid) {
        return dispatcher != null && dispatcher.isPrivate(nid);
    }

    /** The node's reclaim policy: mainline for an ordinary node, the design's answer for a private one. */
    private ReclaimPolicy policy(int nid) {
        return isPrivate(nid) ? dispatcher.reclaim(nid) : ReclaimPolicy.MAINLINE;
    }

    @Override
    public void wakeKswapd(int nid, int order, int highestZoneIdx, int gfp) {
        if (k == null) {
            return; // the zero page's allocation at boot
        }
        ReclaimPolicy p = policy(nid);
        if (!p.active()) {
            return; // zone_reclaim_allowed said no: the node's kswapd is not woken
        }
        kswapd[nid].wake(order, highestZoneIdx, p);
    }

    @Override
    public long directReclaim(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask, int order,
                              int gfp, int localNid) {
        if (k == null) {
            return 0;
        }
        boolean[] visited = new boolean[k.mem().nodeCount()];
        boolean anon = k.swap().freePages() > 0;
        List<ScanControl> scs = new ArrayList<>();
        for (int i = prefIdx; i < zonelist.length; i++) {
            Zone z = zonelist[i];
            int nid = z.nid();
            if (z.type().ordinal() > highestZoneIdx || (nodemask != null && !nodemask.contains(nid)) || visited[nid]) {
                continue;
            }
            visited[nid] = true;
            if (vmscan.hasReclaimable(nid, anon)) {
                scs.add(new ScanControl(nid, Reclaimer.DIRECT, policy(nid)));
            }
        }
        Tracer tracer = k.mem().tracer();
        if (tracer.on(Tracepoint.MM_VMSCAN_DIRECT_RECLAIM_BEGIN)) {
            tracer.emit(Tracepoint.MM_VMSCAN_DIRECT_RECLAIM_BEGIN, -1, order, Gfp.of(gfp).toString());
        }
        long reclaimed = tryToFreePages(scs.toArray(new ScanControl[0]), ScanControl.SWAP_CLUSTER_MAX);
        if (tracer.on(Tracepoint.MM_VMSCAN_DIRECT_RECLAIM_END)) {
            tracer.emit(Tracepoint.MM_VMSCAN_DIRECT_RECLAIM_END, -1, reclaimed);
        }
        org.mmproto.core.trace.Log.VMSCAN.logger().debug("direct reclaim: order {} gfp {}: {} pages reclaimed", order,
                Gfp.of(gfp), reclaimed);
        return reclaimed;
    }

    /**
     * do_try_to_free_pages: from DEF_PRIORITY down to 0, each node shrunk in zonelist order,
     * until {@code target} pages are reclaimed.
     */
    private long tryToFreePages(ScanControl[] nodes, long target) {
        long reclaimed = 0;
        for (int prio = ScanControl.DEF_PRIORITY; prio >= 0 && reclaimed < target; prio--) {
            for (ScanControl sc : nodes) {
                sc.priority = prio;
                sc.reclaimGoal = sc.nrReclaimed + target - reclaimed;
                reclaimed += vmscan.shrinkNode(sc);
                if (reclaimed >= target) {
                    break;
                }
            }
        }
        return reclaimed;
    }

    /**
     * reclaim_pages: the folios MADV_PAGEOUT isolated, reclaimed node by node (reclaim_folio_list).
     * A private node's reclaim policy is asked once per call (Site.RECLAIM); a node the design
     * keeps out of reclaim keeps its folios, one whose policy forbids swap keeps its anon folios.
     */
    public long reclaimPages(List<Long> heads) {
        if (k == null) {
            return 0;
        }
        Map<Integer, List<Long>> byNode = new TreeMap<>();
        for (long h : heads) {
            byNode.computeIfAbsent(k.memmap().nid(h), n -> new ArrayList<>()).add(h);
        }
        long freed = 0;
        for (var e : byNode.entrySet()) {
            ReclaimPolicy p = policy(e.getKey());
            if (p.active()) {
                freed += vmscan.reclaimFolioList(new ScanControl(e.getKey(), null, p), e.getValue());
            }
        }
        return freed;
    }

    @Override
    public long reclaimablePages(Zone zone) {
        if (k == null) {
            return 0;
        }
        Lru lru = k.lru();
        long n = lru.zonePages(zone, Lru.INACTIVE_FILE) + lru.zonePages(zone, Lru.ACTIVE_FILE);
        if (k.swap().freePages() > 0 || vmscan.canDemote(zone.nid())) {
            n += lru.zonePages(zone, Lru.INACTIVE_ANON) + lru.zonePages(zone, Lru.ACTIVE_ANON);
        }
        return n;
    }

    /**
     * Time passes: every woken kswapd runs balance_pgdat to completion (the model has no
     * preemption inside a tick). Returns the pages they reclaimed.
     */
    public long tick(long ms) {
        timeMs += ms;
        pressureBoost.wakePending(this);
        long n = 0;
        for (int nid = 0; nid < kswapd.length; nid++) {
            Kswapd d = kswapd[nid];
            boolean ran = d.woken();
            Tracer.Context prev = k.mem().tracer().enter(Tracer.Kthread.KSWAPD, nid); // kswapdN's events
            try {
                n += d.run();
                if (ran && !d.woken() && kcompactd != null) { // kswapd_try_to_sleep(): kswapdN wakes kcompactd
                    kcompactd.wake(nid, d.order(), d.highestZoneIdx());
                }
            } finally {
                k.mem().tracer().leave(prev);
            }
        }
        return n;
    }

    /** Milliseconds the ticks advanced since boot. */
    public long timeMs() {
        return timeMs;
    }

    /** Whether the node's kswapd is woken and waits for the next tick. */
    public boolean kswapdWoken(int nid) {
        return kswapd[nid].woken();
    }

    /** kswapd wake-ups of the node that found work (not balanced, not hopeless). */
    public long kswapdWakeups(int nid) {
        return kswapd[nid].wakeups();
    }

    /**
     * Proactive reclaim of {@code pages} from node {@code nid} (user_proactive_reclaim, as
     * {@code echo SIZE > /sys/devices/system/node/nodeN/reclaim} in mainline after 6.12): batches
     * of a quarter of what is left (at least SWAP_CLUSTER_MAX), giving up after
     * MAX_RECLAIM_RETRIES batches without progress.
     *
     * @return the pages reclaimed; fewer than asked is the kernel's -EAGAIN
     */
    public long proactive(int nid, long pages) {
        ReclaimPolicy p = policy(nid);
        long reclaimed = 0;
        int retries = Kswapd.MAX_RECLAIM_RETRIES;
        while (reclaimed < pages) {
            long batch = Math.max((pages - reclaimed) / 4, ScanControl.SWAP_CLUSTER_MAX);
            batch = Math.min(batch, pages - reclaimed);
            long got = tryToFreePages(new ScanControl[] {new ScanControl(nid, Reclaimer.PROACTIVE, p)}, batch);
            if (got == 0 && retries-- == 0) {
                break;
            }
            reclaimed += got;
        }
        return reclaimed;
    }
}
