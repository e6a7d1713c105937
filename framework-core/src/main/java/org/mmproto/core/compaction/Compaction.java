package org.mmproto.core.compaction;

import java.util.function.ToLongFunction;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.mm.CompactPriority;
import org.mmproto.core.mm.CompactResult;
import org.mmproto.core.mm.CompactionSeam;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.task.MmCore;

/**
 * mm/compaction.c's entry points: compact_node (the /proc/sys/vm/compact_memory and
 * /sys/devices/system/node/nodeN/compact writes, MIGRATE_SYNC over every zone of the node)
 * and try_to_compact_pages (direct compaction from the allocator's slow path over the allocation's
 * zonelist at the slow path's compact_priority, through {@link CompactionSeam}). A private node's zones are
 * compacted only when the design allows it (Site.COMPACTION, asked once per node and event);
 * the moves stay inside the node, so the engine asks nothing more.
 */
public final class Compaction implements CompactionSeam {
    private final MmCore k;
    private final Migration migration;
    private final CompactionStats total = new CompactionStats();
    private final CompactDefer defer;

    public Compaction(MmCore k, Migration migration) {
        this.k = k;
        this.migration = migration;
        this.defer = new CompactDefer(k.mem().nodeCount());
    }

    /** The zones' deferral state (kcompactd shares it with direct compaction, as in the kernel). */
    CompactDefer defer() {
        return defer;
    }

    /** Everything every run did since boot. */
    public CompactionStats total() {
        return total;
    }

    /** What a compact_node call did: 0 or -errno (a refused private node), and the runs' totals. */
    public record NodeResult(int nid, int ret, CompactionStats stats) {
    }

    /** compact_node: every populated zone of {@code nid}, the whole zone (order -1). */
    public NodeResult compactNode(int nid) {
        CompactionStats st = new CompactionStats();
        Verdict v = allowed(nid, -1, true);
        if (!v.allowed()) {
            return new NodeResult(nid, -Dispatcher.errnoOf(v, Errno.EINVAL).code(), st);
        }
        for (Zone z : k.mem().node(nid).zones()) {
            if (z.populated()) {
                st.add(compactZone(z, -1, Migration.Mode.MIGRATE_SYNC, true).stats()); // compact_node(pgdat, false)
            }
        }
        return new NodeResult(nid, 0, st);
    }

    /** compact_zone for one zone (tests and the entry points). */
    CompactControl compactZone(Zone z, int order, Migration.Mode mode) {
        return compactZone(z, order, mode, false);
    }

    CompactControl compactZone(Zone z, int order, Migration.Mode mode, boolean manual) {
        return run(control(z, order, mode, manual));
    }

    /**
     * A compact_control for the zone. On a private node every free-scanner pass asks the design
     * whether the node's free pages may become targets (Site.COMPACTION): the folios compaction
     * moves arrive on them, so this is where a driver can keep memory from moving onto its node.
     */
    CompactControl control(Zone z, int order, Migration.Mode mode, boolean manual) {
        CompactControl cc = new CompactControl(k, migration, z, order, mode);
        Dispatcher d = k.dispatcher();
        if (d != null && d.isPrivate(z.nid())) {
            int nid = z.nid();
            cc.targetsAllowed(() -> d.compactionTargets(nid, order, manual).allowed());
        }
        return cc;
    }

    CompactControl run(CompactControl cc) {
        cc.run();
        total.add(cc.stats());
        return cc;
    }

    /** Whether compaction may run in node {@code nid}'s zones (the design's answer for a private node). */
    boolean allowedOn(int nid, int order) {
        return allowed(nid, order, false).allowed();
    }

    private Verdict allowed(int nid, int order, boolean manual) {
        Dispatcher d = k.dispatcher();
        return d != null && d.isPrivate(nid) ? d.compaction(nid, order, manual) : Verdict.ALLOW;
    }

    /**
     * try_to_compact_pages at {@code prio}: for each zone of the request, a deferred one is
     * skipped (COMPACT_DEFERRED) unless the priority is SYNC_FULL, which does not even consult the
     * deferral; compact_zone_order runs the rest (compaction_suit_allocation_order first: SUCCESS
     * when the allocation's own watermark check already passes, SKIPPED when compaction_suitable
     * says no). The result is the highest zone outcome. A zone that succeeds stops the walk and
     * lowers its compact_order_failed; at a sync priority a zone whose scanners met is deferred.
     * A private node whose design refuses compaction counts as skipped.
     */
    @Override
    public CompactResult tryToCompact(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask, int order,
                                      int gfp, int allocFlags, CompactPriority prio) {
        if ((gfp & Gfp.Bits.IO) == 0) {
            return CompactResult.SKIPPED; // gfp_compaction_allowed
        }
        CompactResult rc = CompactResult.SKIPPED;
        boolean[] asked = new boolean[k.mem().nodeCount()];
        boolean[] refused = new boolean[asked.length];
        for (int i = prefIdx; i < zonelist.length; i++) {
            Zone z = zonelist[i];
            if (z.type().ordinal() > highestZoneIdx || (nodemask != null && !nodemask.contains(z.nid()))) {
                continue;
            }
            if (prio != CompactPriority.MIN && defer.deferred(z, order)) {
                rc = CompactResult.max(rc, CompactResult.DEFERRED);
                continue;
            }
            if (!asked[z.nid()]) {
                asked[z.nid()] = true;
                refused[z.nid()] = !allowed(z.nid(), order, false).allowed();
            }
            CompactResult status = refused[z.nid()] ? CompactResult.SKIPPED
                    : compactZoneOrder(z, order, allocFlags, highestZoneIdx, prio);
            rc = CompactResult.max(rc, status);
            if (status == CompactResult.SUCCESS) {
                defer.reset(z, order, false);
                break;
            }
            if (prio != CompactPriority.ASYNC && status == CompactResult.COMPLETE) {
                defer.defer(z, order);
            }
        }
        return rc;
    }

    /**
     * compact_zone_order: MIGRATE_ASYNC at COMPACT_PRIO_ASYNC, MIGRATE_SYNC_LIGHT otherwise;
     * SYNC_FULL also takes targets from any pageblock (ignore_block_suitable). The run itself
     * starts with compaction_suit_allocation_order at the allocation's alloc_flags.
     */
    private CompactResult compactZoneOrder(Zone z, int order, int allocFlags, int highestZoneIdx,
                                           CompactPriority prio) {
        if (PageAllocator.watermarkOkFlags(z, order, allocFlags, highestZoneIdx)) {
            return CompactResult.SUCCESS;
        }
        if (!suitable(z, order, highestZoneIdx)) {
            return CompactResult.SKIPPED;
        }
        Migration.Mode mode = prio == CompactPriority.ASYNC ? Migration.Mode.MIGRATE_ASYNC
                : Migration.Mode.MIGRATE_SYNC_LIGHT;
        CompactControl cc = control(z, order, mode, false).direct(prio == CompactPriority.MIN);
        return run(cc).result();
    }

    /**
     * compaction_zonelist_suitable: whether some zone of the request would pass
     * __compaction_suitable if reclaim freed a share (1/order) of its reclaimable pages.
     */
    @Override
    public boolean zonelistSuitable(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask, int order,
                                    ToLongFunction<Zone> reclaimable) {
        for (int i = prefIdx; i < zonelist.length; i++) {
            Zone z = zonelist[i];
            if (z.type().ordinal() > highestZoneIdx || (nodemask != null && !nodemask.contains(z.nid()))) {
                continue;
            }
            long available = reclaimable.applyAsLong(z) / order + z.freePages();
            if (suitableAt(z, order, highestZoneIdx, available)) {
                return true;
            }
        }
        return false;
    }

    /** __alloc_pages_direct_compact got {@code pfn} after compacting: compaction_defer_reset(zone, order, true). */
    @Override
    public void allocated(long pfn, int order) {
        Zone z = pfn >= 0 ? k.mem().zoneOf(pfn) : null;
        if (z != null) {
            defer.reset(z, order, true);
        }
    }

    /**
     * compaction_suitable: order-0 free pages above the low watermark (costly orders; min
     * otherwise) plus compact_gap (twice the request), and for costly orders a fragmentation
     * index above sysctl_extfrag_threshold (500): a lower one means the failure is lack of memory.
     */
    static boolean suitable(Zone z, int order, int highestZoneIdx) {
        if (!suitableAt(z, order, highestZoneIdx, z.freePages())) {
            return false;
        }
        if (order > Zone.PAGE_ALLOC_COSTLY_ORDER) {
            int fragindex = Fragmentation.fragmentationIndex(z, order);
            return fragindex < 0 || fragindex > Fragmentation.EXTFRAG_THRESHOLD;
        }
        return true;
    }

    /** __compaction_suitable against {@code wmarkTarget} free pages. */
    private static boolean suitableAt(Zone z, int order, int highestZoneIdx, long wmarkTarget) {
        long mark = z.watermark(order > Zone.PAGE_ALLOC_COSTLY_ORDER ? Zone.WMARK_LOW : Zone.WMARK_MIN) + (2L << order);
        return PageAllocator.watermarkOkAt(z, 0, mark, highestZoneIdx, wmarkTarget);
    }
}
