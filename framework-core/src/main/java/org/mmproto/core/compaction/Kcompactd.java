package org.mmproto.core.compaction;

import java.util.function.IntPredicate;
import org.mmproto.api.ZoneType;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.CompactResult;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;

/**
 * One kcompactd per node (mm/compaction.c, 6.12), run by {@link #tick}:
 * <ul>
 * <li>kcompactd_do_work when kswapd woke it for an order above 0 (wakeup_kcompactd, when kswapd
 *     goes to sleep and some zone still lacks a free block of the order at its min watermark):
 *     compact_daemon_wake, then compact_zone at that order on each suitable zone not deferred
 *     ({@link CompactDefer}): a run whose scanners met without the block drains the zone's
 *     per-cpu lists (drain_all_pages(zone)) and defers the zone, one that makes it lowers
 *     compact_order_failed.</li>
 * <li>Proactive compaction every HPAGE_FRAG_CHECK_INTERVAL_MSEC (500 ms) when
 *     {@code compaction_proactiveness} is above 0 and the node's kswapd is not running: when
 *     fragmentation_score_node exceeds the high mark (min(max(100 - proactiveness, 5) + 10, 100)),
 *     proactive_compact_node compacts every zone until its score is at most the low mark. A run
 *     that did not lower the score defers the next check 2^COMPACT_MAX_DEFER_SHIFT intervals.
 *     Proactive runs count no compact_daemon_wake, as in the kernel.</li>
 * </ul>
 * Both count compact_daemon_migrate_scanned / compact_daemon_free_scanned besides compaction's own
 * counters. A private node runs only as its design allows (Site.COMPACTION, once per run).
 * Traced as the kernel does: mm_compaction_wakeup_kcompactd when kswapd wakes it,
 * mm_compaction_kcompactd_wake per kcompactd_do_work (one per compact_daemon_wake), and
 * compact_zone's mm_compaction_begin/end for each zone either kind of run compacts.
 */
public final class Kcompactd {
    static final long HPAGE_FRAG_CHECK_INTERVAL_MSEC = 500;
    static final int COMPACT_MAX_DEFER_SHIFT = 6;

    private final MmCore k;
    private final Compaction compaction;
    private final IntPredicate kswapdRunning;
    private int proactiveness;
    private long now;
    private final long[] nextCheck;
    /** Pending kcompactd_do_work per node: the order (0 = none) and highest zone index. */
    private final int[] wakeOrder;
    private final int[] wakeHighest;

    public Kcompactd(MmCore k, Compaction compaction, int proactiveness, IntPredicate kswapdRunning) {
        this.k = k;
        this.compaction = compaction;
        this.kswapdRunning = kswapdRunning;
        this.proactiveness = proactiveness;
        int n = k.mem().nodeCount();
        this.nextCheck = new long[n];
        this.wakeOrder = new int[n];
        this.wakeHighest = new int[n];
        java.util.Arrays.fill(nextCheck, HPAGE_FRAG_CHECK_INTERVAL_MSEC);
    }

    public int proactiveness() {
        return proactiveness;
    }

    /** {@code echo N > /proc/sys/vm/compaction_proactiveness}. */
    public void setProactiveness(int p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("compaction_proactiveness is 0-100, not " + p);
        }
        proactiveness = p;
    }

    /** fragmentation_score_wmark: the low (true) or high (false) mark. */
    int wmark(boolean low) {
        int wmarkLow = Math.max(100 - proactiveness, 5);
        return low ? wmarkLow : Math.min(wmarkLow + 10, 100);
    }

    /** wakeup_kcompactd: kswapd is going to sleep after reclaiming for {@code order}. */
    public void wake(int nid, int order, int highestZoneIdx) {
        if (order <= 0 || !nodeSuitable(nid, order, highestZoneIdx)) {
            return;
        }
        Tracer tracer = k.mem().tracer();
        if (tracer.on(Tracepoint.MM_COMPACTION_WAKEUP_KCOMPACTD)) {
            tracer.emit(Tracepoint.MM_COMPACTION_WAKEUP_KCOMPACTD, nid, nid, order, ZoneType.of(highestZoneIdx).procName());
        }
        wakeOrder[nid] = Math.max(wakeOrder[nid], order);
        wakeHighest[nid] = Math.max(wakeHighest[nid], highestZoneIdx);
    }

    /** kcompactd_node_suitable: some zone up to the index lacks the block at min and compaction could make it. */
    private boolean nodeSuitable(int nid, int order, int highest) {
        for (Zone z : k.mem().node(nid).zones()) {
            if (z.type().ordinal() <= highest && z.populated() && suitAllocationOrder(z, order, highest)) {
                return true;
            }
        }
        return false;
    }

    /** compaction_suit_allocation_order == COMPACT_CONTINUE (ALLOC_WMARK_MIN). */
    private static boolean suitAllocationOrder(Zone z, int order, int highest) {
        return !PageAllocator.watermarkOk(z, order, Zone.WMARK_MIN, highest) && Compaction.suitable(z, order, highest);
    }

    /** Time passes; returns the folios kcompactd moved. */
    public long tick(long ms) {
        now += ms;
        long moved = 0;
        for (int nid = 0; nid < nextCheck.length; nid++) {
            Tracer.Context kthread = k.mem().tracer().enter(Tracer.Kthread.KCOMPACTD, nid); // kcompactdN's events
            try {
                if (wakeOrder[nid] > 0) {
                    moved += doWork(nid);
                    nextCheck[nid] = now + HPAGE_FRAG_CHECK_INTERVAL_MSEC; // the timeout starts again
                }
                while (proactiveness > 0 && nextCheck[nid] <= now) {
                    long interval = HPAGE_FRAG_CHECK_INTERVAL_MSEC;
                    if (shouldProactiveCompact(nid)) {
                        Node n = k.mem().node(nid);
                        int prev = Fragmentation.nodeScore(n);
                        moved += proactiveCompactNode(nid);
                        if (Fragmentation.nodeScore(n) >= prev) {
                            interval <<= COMPACT_MAX_DEFER_SHIFT;
                        }
                    }
                    nextCheck[nid] += interval;
                }
            } finally {
                k.mem().tracer().leave(kthread);
            }
        }
        return moved;
    }

    /** should_proactive_compact_node. */
    boolean shouldProactiveCompact(int nid) {
        return proactiveness > 0 && !kswapdRunning.test(nid)
                && Fragmentation.nodeScore(k.mem().node(nid)) > wmark(false);
    }

    private long proactiveCompactNode(int nid) {
        if (!compaction.allowedOn(nid, -1)) {
            return 0;
        }
        long moved = 0;
        for (Zone z : k.mem().node(nid).zones()) {
            if (z.populated()) {
                CompactControl cc = compaction.control(z, -1, Migration.Mode.MIGRATE_SYNC_LIGHT, false)
                        .proactive(wmark(true));
                moved += count(nid, compaction.run(cc).stats());
            }
        }
        return moved;
    }

    private long doWork(int nid) {
        int order = wakeOrder[nid];
        int highest = wakeHighest[nid];
        wakeOrder[nid] = 0;
        wakeHighest[nid] = 0;
        Tracer tracer = k.mem().tracer();
        if (tracer.on(Tracepoint.MM_COMPACTION_KCOMPACTD_WAKE)) {
            tracer.emit(Tracepoint.MM_COMPACTION_KCOMPACTD_WAKE, nid, nid, order, ZoneType.of(highest).procName());
        }
        k.mem().count(nid, VmStat.COMPACT_DAEMON_WAKE, 1);
        if (!compaction.allowedOn(nid, order)) {
            return 0;
        }
        long moved = 0;
        CompactDefer defer = compaction.defer();
        for (Zone z : k.mem().node(nid).zones()) {
            if (z.type().ordinal() > highest || !z.populated() || defer.deferred(z, order)
                    || !suitAllocationOrder(z, order, highest)) {
                continue;
            }
            CompactControl cc = compaction.control(z, order, Migration.Mode.MIGRATE_SYNC_LIGHT, false);
            compaction.run(cc);
            if (cc.result() == CompactResult.SUCCESS) {
                defer.reset(z, order, false);
            } else if (cc.result() == CompactResult.COMPLETE) {
                // free pages stranded on the per-cpu lists could still merge to the order: drain
                // them (drain_all_pages(zone); the deferral rate-limits it), then defer as sync
                // direct compaction would
                k.alloc().drainZonePages(z);
                defer.defer(z, order);
            }
            moved += count(nid, cc.stats());
        }
        return moved;
    }

    private long count(int nid, CompactionStats st) {
        k.mem().count(nid, VmStat.COMPACT_DAEMON_MIGRATE_SCANNED, st.migrateScanned());
        k.mem().count(nid, VmStat.COMPACT_DAEMON_FREE_SCANNED, st.freeScanned());
        return st.migrated();
    }
}
