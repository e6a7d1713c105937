package org.mmproto.core.mm;

import static org.mmproto.core.mm.AllocFlags.ALLOC_KSWAPD;
import static org.mmproto.core.mm.AllocFlags.ALLOC_MIN_RESERVE;
import static org.mmproto.core.mm.AllocFlags.ALLOC_NOFRAGMENT;
import static org.mmproto.core.mm.AllocFlags.ALLOC_NON_BLOCK;
import static org.mmproto.core.mm.AllocFlags.ALLOC_NO_WATERMARKS;
import static org.mmproto.core.mm.AllocFlags.ALLOC_OOM;
import static org.mmproto.core.mm.AllocFlags.ALLOC_HIGHATOMIC;
import static org.mmproto.core.mm.AllocFlags.ALLOC_RESERVES;
import static org.mmproto.core.mm.AllocFlags.ALLOC_WMARK_LOW;
import static org.mmproto.core.mm.AllocFlags.ALLOC_WMARK_MASK;
import static org.mmproto.core.mm.AllocFlags.ALLOC_WMARK_MIN;

import java.util.Arrays;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.ZonelistKind;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page allocator, after {@code __alloc_pages}: the fast path walks the zonelist at the low
 * watermark, the slow path wakes kswapd, drops to the min watermark (with the __GFP_HIGH and
 * atomic reserves), enters direct reclaim where the mask allows, and honours __GFP_NORETRY,
 * __GFP_RETRY_MAYFAIL, __GFP_NOFAIL and __GFP_NOWARN. Private nodes are reached only through
 * their own zonelist and pass through the {@link PrivateNodeCheckpoint}.
 *
 * <p>Hot-path methods return a pfn, or a negated errno, as a primitive long.
 * The once-per-call private-node questions are kept in {@link PrivateNodeCalls}, folio release
 * in {@link FolioRelease}.
 *
 * <p>Over 600 lines on purpose: the fast path, the slow path (direct compaction with its
 * compact_priority escalation and should_compact_retry, direct reclaim, the per-cpu drain after
 * progress, the retry rules), get_page_from_freelist and
 * the watermark checks read together, as mm/page_alloc.c does; splitting them would spread one
 * allocation's decisions over several files.
 */
public final class PageAllocator {
    private static final Logger LOG = LoggerFactory.getLogger("mm.page_alloc");
    private static final int MAX_RECLAIM_RETRIES = 16;
    /** MAX_COMPACT_RETRIES: should_compact_retry's limit of retries after a COMPACT_SUCCESS. */
    static final int MAX_COMPACT_RETRIES = 16;
    private static final int[] GFP_ZONE = new int[16];

    static {
        for (int bits = 0; bits < 16; bits++) {
            int z;
            try {
                z = Gfp.of(bits).zoneIndex();
            } catch (IllegalArgumentException e) {
                z = -1;
            }
            GFP_ZONE[bits] = z;
        }
    }

    private final PhysicalMemory mem;
    private final Node[] nodes;
    private final Tracer tracer;
    private final FaultInjector faults;
    private final ReclaimSeam reclaim;
    private CompactionSeam compaction = CompactionSeam.NONE;
    private final boolean multiNode;
    private static final int WARN_ALLOC_BURST = 10;
    private long nofailStuck;
    private long compactRetries;
    private long allocFailures;
    private long warnedFailures;
    private FolioRelease release;
    private final boolean[] nofragment;
    /** Only machines with private nodes pay for the per-call context (null otherwise). */
    private final PrivateNodeCalls priv;

    /**
     * An allocation the allocator makes inside another one (a debug option allocating metadata,
     * an interrupt arriving mid-allocation): armed once, it fires when an outer allocation is about
     * to hand out pages of a private node, on that node's zonelist, with a context of its own.
     */
    public interface NestedAlloc {
        int gfp();

        int order();

        /** Told the outcome: the pfn (or -errno) and the node the outer allocation was serving. */
        void done(long pfnOrErrno, int outerNid);
    }

    public PageAllocator(PhysicalMemory mem, PrivateNodeCheckpoint checkpoint, ReclaimSeam reclaim) {
        this.mem = mem;
        this.nodes = mem.nodes;
        this.tracer = mem.tracer();
        this.faults = mem.faults();
        this.reclaim = reclaim;
        this.multiNode = mem.nrOnlineNodes() > 1;
        this.nofragment = nofragmentZones(mem);
        boolean any = false;
        for (Node n : nodes) {
            any |= n.isPrivate;
        }
        this.priv = any ? new PrivateNodeCalls(checkpoint) : null;
    }

    /**
     * The folio entry point's context for the next {@link #allocPages} call only: the zonelist it
     * selected, whether it is a folio allocation, the private nodes it aims at (bit per nid) and
     * the migration reason. Nested allocations never see it.
     */
    public void prepare(ZonelistKind zonelist, boolean folio, long intent,
                        MigrateReason reason) {
        if (priv != null) {
            priv.prepare(zonelist, folio, intent, reason);
        }
    }

    /** Direct compaction for costly orders (set once the compaction subsystem exists). */
    public void attachCompaction(CompactionSeam c) {
        this.compaction = c;
    }

    /** Arms one nested allocation (see {@link NestedAlloc}). */
    public void armNested(NestedAlloc n) {
        if (priv != null) {
            priv.armNested(n);
        }
    }

    public PhysicalMemory memory() {
        return mem;
    }

    /** Convenience form returning a value; the CPU is taken to sit on {@code nid}. */
    public AllocResult alloc(Gfp gfp, int order, int nid, NodeMask nodemask) {
        long r = allocPages(gfp.bits(), order, nid, nodemask, nid);
        if (r < 0) {
            return new AllocResult.Failed(Errno.fromCode((int) -r));
        }
        Zone z = mem.zoneOf(r);
        return new AllocResult.Allocated(r, order, z.nid, z.type);
    }

    /**
     * __alloc_pages(gfp, order, preferred_nid, nodemask) on a CPU of {@code localNid}.
     *
     * @param nodemask null for no restriction
     * @return the pfn of the folio's first page, or -errno (ENOMEM, EINVAL for a bad mask or nid)
     */
    public long allocPages(int gfp, int order, int preferredNid, NodeMask nodemask, int localNid) {
        long pfn;
        if (order < 0 || order > Zone.MAX_PAGE_ORDER) { // __alloc_pages' WARN_ON_ONCE_GFP: before prepare_alloc_pages
            LOG.warn("alloc_pages: order {} > MAX_PAGE_ORDER {} (gfp {})", order, Zone.MAX_PAGE_ORDER, Gfp.of(gfp));
            return -Errno.ENOMEM.code();
        }
        if (faults.active() && faults.failAllocPage(gfp, order, preferredNid)) {
            // prepare_alloc_pages' should_fail_alloc_page: NULL before anything else is done, so
            // no warn_alloc, no kmem:mm_page_alloc and nothing counted (its filters skip __GFP_NOFAIL)
            return -Errno.ENOMEM.code();
        }
        if (priv == null) {
            pfn = allocPagesCall(gfp, order, preferredNid, nodemask, localNid);
        } else {
            priv.enter();
            try {
                pfn = allocPagesCall(gfp, order, preferredNid, nodemask, localNid);
            } finally {
                priv.leave();
            }
        }
        if (tracer.on(Tracepoint.MM_PAGE_ALLOC)) {
            traceAlloc(pfn, gfp, order);
        }
        return pfn;
    }

    /** kmem:mm_page_alloc, as __alloc_pages fires it: also for a failure (page NULL, pfn 0). */
    private void traceAlloc(long pfn, int gfp, int order) {
        int mt = (gfp & (Gfp.Bits.MOVABLE | Gfp.Bits.RECLAIMABLE)) >>> 3;
        tracer.emit(Tracepoint.MM_PAGE_ALLOC, pfn < 0 ? -1 : mem.zoneOf(pfn).nid, Tracer.page(pfn), Math.max(pfn, 0),
                order, mt, Gfp.of(gfp).toString());
    }

    private long allocPagesCall(int gfp, int order, int preferredNid, NodeMask nodemask, int localNid) {
        if (preferredNid < 0 || preferredNid >= nodes.length || localNid < 0 || localNid >= nodes.length) {
            return -Errno.EINVAL.code();
        }
        int highest = GFP_ZONE[gfp & 0xf];
        int mt = (gfp & (Gfp.Bits.MOVABLE | Gfp.Bits.RECLAIMABLE)) >>> 3;
        if (highest < 0 || mt > 2) {
            return -Errno.EINVAL.code();
        }
        Node pref = nodes[preferredNid];
        Zone[] zl;
        if (priv != null && priv.current().zonelist == ZonelistKind.PRIVATE) {
            zl = (gfp & Gfp.Bits.THISNODE) != 0 ? pref.zonelistPrivateNoFallback : pref.zonelistPrivate;
        } else {
            zl = (gfp & Gfp.Bits.THISNODE) != 0 ? pref.zonelistNoFallback : pref.zonelistFallback;
        }
        int prefIdx = firstZone(zl, 0, highest, nodemask);
        if (prefIdx < 0) {
            return fail(gfp, order, nodemask, preferredNid);
        }
        Zone preferred = zl[prefIdx];
        if (order == 0 && pcpFast(preferred, highest, mt)) {
            return prepNewFolio(preferred, Pcp.takeHead(preferred, mt), 0, mt, preferred, localNid);
        }
        int allocFlags = ALLOC_WMARK_LOW | allocFlagsNofragment(preferred, gfp);
        long pfn = getPageFromFreelist(gfp, order, allocFlags, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid);
        if (pfn >= 0) {
            return pfn;
        }
        return slowpath(gfp, order, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid);
    }

    /**
     * The common case, decided exactly as get_page_from_freelist decides its first zone: the
     * preferred zone (not private) is above its high watermark and its per-cpu list has an
     * order-0 block of the migratetype, so rmqueue_pcplist serves it without a refill and the
     * walk would stop there.
     */
    private boolean pcpFast(Zone z, int highest, int mt) {
        return !z.belowHigh && z.pcp != null && z.pcp.head[mt] >= 0 && !nodes[z.nid].isPrivate
                && z.freePages > z.watermark[Zone.WMARK_HIGH] + z.watermarkBoost + z.lowmemReserve[highest];
    }

    private static int firstZone(Zone[] zl, int from, int highest, NodeMask nodemask) {
        for (int k = from; k < zl.length; k++) {
            Zone z = zl[k];
            if (z.zoneIdx <= highest && (nodemask == null || nodemask.contains(z.nid))) {
                return k;
            }
        }
        return -1;
    }

    private int allocFlagsNofragment(Zone preferred, int gfp) {
        int flags = (gfp & Gfp.Bits.KSWAPD_RECLAIM) != 0 ? ALLOC_KSWAPD : 0;
        return nofragment[preferred.id] ? flags | ALLOC_NOFRAGMENT : flags;
    }

    /**
     * alloc_flags_nofragment's zone test, fixed by the layout: a ZONE_NORMAL preferred zone on a
     * single-node machine or on a node that also has ZONE_DMA32.
     */
    private static boolean[] nofragmentZones(PhysicalMemory mem) {
        boolean[] out = new boolean[mem.zones().size()];
        boolean multi = mem.nrOnlineNodes() > 1;
        for (Zone z : mem.zones()) {
            out[z.id] = z.zoneIdx == ZoneType.NORMAL.ordinal()
                    && (!multi || mem.nodes[z.nid].zones[ZoneType.DMA32.ordinal()].populated());
        }
        return out;
    }

    private long getPageFromFreelist(int gfp, int order, int allocFlags, Zone[] zl, int prefIdx, int highest,
                                     NodeMask nodemask, int mt, int preferredNid, int localNid) {
        Zone preferred = zl[prefIdx];
        while (true) {
            boolean noFallback = (allocFlags & ALLOC_NOFRAGMENT) != 0;
            boolean restart = false;
            for (int k = prefIdx; k < zl.length; k++) {
                Zone z = zl[k];
                if (z.zoneIdx > highest || (nodemask != null && !nodemask.contains(z.nid))) {
                    continue;
                }
                if (noFallback && multiNode && z != preferred && z.nid != preferred.nid) {
                    // Locality beats anti-fragmentation: retry the walk without NOFRAGMENT.
                    allocFlags &= ~ALLOC_NOFRAGMENT;
                    restart = true;
                    break;
                }
                if (nodes[z.nid].isPrivate && !priv.gate(z.nid, gfp, order, preferredNid)) {
                    continue;
                }
                // ZONE_BELOW_HIGH is detected here, off the hot free path
                boolean ok = !z.belowHigh && zoneWatermarkFast(z, order, z.watermark(Zone.WMARK_HIGH), highest, allocFlags);
                if (!ok) {
                    if (!z.belowHigh) {
                        z.belowHigh = true;
                    }
                    long mark = z.watermark(allocFlags & ALLOC_WMARK_MASK);
                    if (!zoneWatermarkFast(z, order, mark, highest, allocFlags)
                            && (allocFlags & ALLOC_NO_WATERMARKS) == 0) {
                        continue;
                    }
                }
                if (nodes[z.nid].isPrivate && !handout(z.nid, gfp, order, preferredNid, localNid)) {
                    continue;
                }
                int i = z.pcp != null && Pcp.allowedOrder(order) ? Pcp.rmqueue(z, order, mt, allocFlags) : -1;
                if (i < 0) {
                    i = Buddy.rmqueue(z, order, mt, allocFlags);
                }
                if (i >= 0) {
                    long pfn = prepNewFolio(z, i, order, mt, preferred, localNid);
                    // a private node's folio, and a zeroed one anywhere once a device could see its
                    // pages (a later demotion copies their kinds): a __GFP_ZERO folio reads as ZERO
                    if (nodes[z.nid].isPrivate || priv != null && (gfp & Gfp.Bits.ZERO) != 0) {
                        priv.allocated(pfn, z.nid, gfp);
                    }
                    return pfn;
                }
            }
            if (restart) {
                continue;
            }
            if (noFallback) {
                allocFlags &= ~ALLOC_NOFRAGMENT;
                continue;
            }
            return -1;
        }
    }

    /** The hand-out check on a private node; fires an armed nested allocation inside it. */
    private boolean handout(int nid, int gfp, int order, int preferredNid, int localNid) {
        if (!priv.handout(nid, gfp, order, preferredNid)) {
            return false;
        }
        NestedAlloc n = priv.takeNested();
        if (n != null) {
            priv.nested(true);
            long r;
            try {
                r = allocPages(n.gfp(), n.order(), nid, null, localNid);
            } finally {
                priv.nested(false);
            }
            n.done(r, nid);
        }
        return true;
    }

    private long prepNewFolio(Zone z, int i, int order, int mt, Zone preferred, int localNid) {
        z.state[i] = PageState.head(order, mt);
        z.next[i] = 1;      // _refcount
        z.prev[i] = 0;      // mapcount | folio flags
        if (order > 0) {
            Arrays.fill(z.state, i + 1, i + (1 << order), (byte) PageState.TAIL);
            z.prev[i + 1] = 0; // _entire_mapcount (Memmap.entireMapcount)
        }
        long[] st = nodes[z.nid].vmstat;
        st[VmStat.PGALLOC_DMA.ordinal() + z.zoneIdx] += 1L << order;
        if (z.nid == preferred.nid) {
            st[VmStat.NUMA_HIT.ordinal()]++;
        } else {
            st[VmStat.NUMA_MISS.ordinal()]++;
            nodes[preferred.nid].vmstat[VmStat.NUMA_FOREIGN.ordinal()]++;
        }
        st[z.nid == localNid ? VmStat.NUMA_LOCAL.ordinal() : VmStat.NUMA_OTHER.ordinal()]++;
        return z.startPfn + i;
    }

    static boolean zoneWatermarkFast(Zone z, int order, long mark, int highest, int allocFlags) {
        long free = z.freePages;
        if (order == 0 && free > mark + z.lowmemReserve[highest]) {
            return true;
        }
        return zoneWatermarkOk(z, order, mark, highest, allocFlags, free);
    }

    /** zone_watermark_ok for reclaim (pgdat_balanced): {@code which} is WMARK_MIN, LOW or HIGH. */
    public static boolean watermarkOk(Zone z, int order, int which, int highestZoneIdx) {
        return zoneWatermarkOk(z, order, z.watermark(which), highestZoneIdx, 0, z.freePages);
    }

    /** __zone_watermark_ok against an explicit mark (compaction_suitable's low watermark + compact_gap). */
    public static boolean watermarkOkAt(Zone z, int order, long mark, int highestZoneIdx) {
        return zoneWatermarkOk(z, order, mark, highestZoneIdx, 0, z.freePages);
    }

    /** __zone_watermark_ok against an explicit mark and free page count (__compaction_suitable's wmark_target). */
    public static boolean watermarkOkAt(Zone z, int order, long mark, int highestZoneIdx, long freePages) {
        return zoneWatermarkOk(z, order, mark, highestZoneIdx, 0, freePages);
    }

    /** zone_watermark_ok at the allocation's own watermark and flags (compaction_suit_allocation_order). */
    public static boolean watermarkOkFlags(Zone z, int order, int allocFlags, int highestZoneIdx) {
        return zoneWatermarkOk(z, order, z.watermark(allocFlags & ALLOC_WMARK_MASK), highestZoneIdx, allocFlags,
                z.freePages);
    }

    /** __zone_watermark_ok. No highatomic or CMA pages exist here, so nothing else is unusable. */
    static boolean zoneWatermarkOk(Zone z, int order, long mark, int highest, int allocFlags, long freePages) {
        long min = mark;
        freePages -= (1L << order) - 1;
        if ((allocFlags & ALLOC_RESERVES) != 0) {
            if ((allocFlags & ALLOC_MIN_RESERVE) != 0) {
                min -= min / 2;
                if ((allocFlags & ALLOC_NON_BLOCK) != 0) {
                    min -= min / 4;
                }
            }
            if ((allocFlags & ALLOC_OOM) != 0) {
                min -= min / 2;
            }
        }
        if (freePages <= min + z.lowmemReserve[highest]) {
            return false;
        }
        if (order == 0) {
            return true;
        }
        for (int o = order; o < Zone.NR_PAGE_ORDERS; o++) {
            if (z.nrFree[o] == 0) {
                continue;
            }
            for (int mt = 0; mt < Buddy.HIGHATOMIC; mt++) {
                if (z.freeHead[o * Zone.NR_LISTS + mt] >= 0) {
                    return true;
                }
            }
            if ((allocFlags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) != 0 && z.freeHead[o * Zone.NR_LISTS + Buddy.HIGHATOMIC] >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int gfpToAllocFlags(int gfp, int order) {
        int flags = ALLOC_WMARK_MIN;
        if ((gfp & Gfp.Bits.HIGH) != 0) {
            flags |= ALLOC_MIN_RESERVE;
        }
        if ((gfp & Gfp.Bits.KSWAPD_RECLAIM) != 0) {
            flags |= ALLOC_KSWAPD;
        }
        if ((gfp & Gfp.Bits.DIRECT_RECLAIM) == 0 && (gfp & Gfp.Bits.NOMEMALLOC) == 0) {
            flags |= ALLOC_NON_BLOCK;
            if (order > 0) {
                flags |= ALLOC_HIGHATOMIC;
            }
        }
        return flags;
    }

    private void wakeAllKswapds(int gfp, int order, Zone[] zl, int prefIdx, int highest, NodeMask nodemask) {
        int lastNid = -1;
        for (int k = prefIdx; k < zl.length; k++) {
            Zone z = zl[k];
            if (z.zoneIdx > highest || (nodemask != null && !nodemask.contains(z.nid)) || z.nid == lastNid) {
                continue;
            }
            lastNid = z.nid;
            // a private node's wake asks the design (Site.RECLAIM): once per allocation call
            if (nodes[z.nid].isPrivate && !priv.firstKswapdWake(z.nid)) {
                continue;
            }
            reclaim.wakeKswapd(z.nid, order, highest, gfp);
        }
    }

    /**
     * __alloc_pages_slowpath. Direct compaction comes first, at COMPACT_PRIO_ASYNC, for costly
     * orders and for non-movable orders above 0 (not for requests that may ignore watermarks);
     * a costly __GFP_NORETRY request (THP faults) gives up there when compaction was skipped or
     * deferred, or is __GFP_THISNODE, and otherwise keeps async priority. Then the retry loop:
     * direct reclaim, direct compaction at the current compact_priority, __GFP_NORETRY stops,
     * costly orders stop unless __GFP_RETRY_MAYFAIL, should_reclaim_retry, and when reclaim
     * made progress should_compact_retry (compaction_retries up to MAX_COMPACT_RETRIES, a
     * quarter of that for costly orders after COMPACT_SUCCESS; otherwise one step up in priority,
     * down to SYNC_LIGHT for costly orders and SYNC_FULL for the others).
     */
    private long slowpath(int gfp, int order, Zone[] zl, int prefIdx, int highest, NodeMask nodemask,
                          int mt, int preferredNid, int localNid) {
        boolean canDirectReclaim = (gfp & Gfp.Bits.DIRECT_RECLAIM) != 0;
        boolean canCompact = (gfp & Gfp.Bits.IO) != 0; // gfp_compaction_allowed
        boolean costly = order > Zone.PAGE_ALLOC_COSTLY_ORDER;
        CompactResult[] compactResult = {CompactResult.SKIPPED};
        CompactPriority compactPriority = CompactPriority.DEF;
        int compactionRetries = 0;
        int allocFlags = gfpToAllocFlags(gfp, order);
        if ((allocFlags & ALLOC_KSWAPD) != 0) {
            wakeAllKswapds(gfp, order, zl, prefIdx, highest, nodemask);
        }
        long pfn = getPageFromFreelist(gfp, order, allocFlags, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid);
        if (pfn >= 0) {
            return pfn;
        }
        if (canDirectReclaim && canCompact && (costly || (order > 0 && mt != Buddy.MOVABLE))
                && pfmemallocFlags(gfp) == 0) {
            pfn = directCompact(gfp, order, allocFlags, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid,
                    CompactPriority.INIT, compactResult);
            if (pfn >= 0) {
                return pfn;
            }
            if (costly && (gfp & Gfp.Bits.NORETRY) != 0) {
                if (compactResult[0] == CompactResult.SKIPPED || compactResult[0] == CompactResult.DEFERRED
                        || (gfp & Gfp.Bits.THISNODE) != 0) {
                    return nopage(gfp, order, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid);
                }
                compactPriority = CompactPriority.INIT; // sync compaction could be very expensive
            }
        }
        int noProgressLoops = 0;
        while (true) {
            if ((allocFlags & ALLOC_KSWAPD) != 0) {
                wakeAllKswapds(gfp, order, zl, prefIdx, highest, nodemask);
            }
            int reserve = pfmemallocFlags(gfp);
            if (reserve != 0) {
                allocFlags = reserve | (allocFlags & ALLOC_KSWAPD);
            }
            pfn = getPageFromFreelist(gfp, order, allocFlags, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid);
            if (pfn >= 0) {
                return pfn;
            }
            if (!canDirectReclaim) {
                break;
            }
            nodes[localNid].vmstat[VmStat.allocstall(highest).ordinal()]++;
            long progress = reclaim.directReclaim(zl, prefIdx, highest, nodemask, order, gfp, localNid);
            if (progress > 0) {
                pfn = getPageFromFreelist(gfp, order, allocFlags, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid);
                if (pfn < 0) {
                    // __alloc_pages_direct_reclaim, after progress only and once per call: the
                    // reclaimed pages may sit on per-cpu lists
                    drainAllPages();
                    pfn = getPageFromFreelist(gfp, order, allocFlags, zl, prefIdx, highest, nodemask, mt, preferredNid,
                            localNid);
                }
            }
            if (pfn >= 0) {
                return pfn;
            }
            pfn = directCompact(gfp, order, allocFlags, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid,
                    compactPriority, compactResult);
            if (pfn >= 0) {
                return pfn;
            }
            if ((gfp & Gfp.Bits.NORETRY) != 0) {
                break;
            }
            if (costly && (!canCompact || (gfp & Gfp.Bits.RETRY_MAYFAIL) == 0)) {
                break;
            }
            // should_reclaim_retry: a costly order's progress does not mean its block will appear
            noProgressLoops = progress > 0 && !costly ? 0 : noProgressLoops + 1;
            if (shouldReclaimRetry(order, zl, prefIdx, highest, nodemask, allocFlags, noProgressLoops)) {
                continue;
            }
            if (progress > 0 && canCompact && order > 0) {
                // should_compact_retry
                CompactResult r = compactResult[0];
                if (r == CompactResult.SKIPPED) {
                    if (compaction.zonelistSuitable(zl, prefIdx, highest, nodemask, order, reclaim::reclaimablePages)) {
                        continue; // reclaim can make compaction possible
                    }
                    break;
                }
                if (r == CompactResult.SUCCESS) {
                    int maxRetries = costly ? MAX_COMPACT_RETRIES / 4 : MAX_COMPACT_RETRIES;
                    if (++compactionRetries <= maxRetries) {
                        compactRetries++;
                        continue; // the block was made but taken: retry some
                    }
                }
                CompactPriority min = costly ? CompactPriority.MIN_COSTLY : CompactPriority.MIN;
                if (compactPriority.ordinal() > min.ordinal()) {
                    compactPriority = compactPriority.harder();
                    compactionRetries = 0;
                    compactRetries++;
                    continue;
                }
            }
            break;
        }
        return nopage(gfp, order, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid);
    }

    /** The slow path's nopage: __GFP_NOFAIL's last resort (with direct reclaim allowed), else warn_alloc. */
    private long nopage(int gfp, int order, Zone[] zl, int prefIdx, int highest, NodeMask nodemask, int mt,
                        int preferredNid, int localNid) {
        if ((gfp & Gfp.Bits.NOFAIL) != 0 && (gfp & Gfp.Bits.DIRECT_RECLAIM) != 0) {
            // __alloc_pages_cpuset_fallback with ALLOC_MIN_RESERVE; past that the kernel loops forever.
            long pfn = getPageFromFreelist(gfp, order, ALLOC_MIN_RESERVE, zl, prefIdx, highest, nodemask, mt,
                    preferredNid, localNid);
            if (pfn >= 0) {
                return pfn;
            }
            nofailStuck++;
            LOG.warn("__GFP_NOFAIL allocation cannot make progress (the kernel would retry forever): order:{}, mode:{}",
                    order, Gfp.of(gfp));
        }
        return fail(gfp, order, nodemask, preferredNid);
    }

    /**
     * __alloc_pages_direct_compact at {@code prio}: nothing for order 0; try_to_compact_pages's
     * result goes to {@code result[0]}; unless it is COMPACT_SKIPPED, one compact_stall and then
     * compact_success (the allocation got a page; compaction_defer_reset on its zone) or
     * compact_fail. One count per attempt, at every priority.
     */
    private long directCompact(int gfp, int order, int allocFlags, Zone[] zl, int prefIdx, int highest,
                               NodeMask nodemask, int mt, int preferredNid, int localNid, CompactPriority prio,
                               CompactResult[] result) {
        if (order == 0) {
            return -1;
        }
        result[0] = compaction.tryToCompact(zl, prefIdx, highest, nodemask, order, gfp, allocFlags, prio);
        if (result[0] == CompactResult.SKIPPED) {
            return -1;
        }
        long[] st = nodes[localNid].vmstat;
        st[VmStat.COMPACT_STALL.ordinal()]++;
        long pfn = getPageFromFreelist(gfp, order, allocFlags, zl, prefIdx, highest, nodemask, mt, preferredNid, localNid);
        st[(pfn >= 0 ? VmStat.COMPACT_SUCCESS : VmStat.COMPACT_FAIL).ordinal()]++;
        compaction.allocated(pfn, order);
        return pfn;
    }

    private static int pfmemallocFlags(int gfp) {
        if ((gfp & Gfp.Bits.NOMEMALLOC) != 0) {
            return 0;
        }
        if ((gfp & Gfp.Bits.MEMALLOC) != 0) {
            return ALLOC_NO_WATERMARKS;
        }
        return 0;
    }

    private boolean shouldReclaimRetry(int order, Zone[] zl, int prefIdx, int highest, NodeMask nodemask,
                                       int allocFlags, int noProgressLoops) {
        if (noProgressLoops > MAX_RECLAIM_RETRIES) {
            return false;
        }
        for (int k = prefIdx; k < zl.length; k++) {
            Zone z = zl[k];
            if (z.zoneIdx > highest || (nodemask != null && !nodemask.contains(z.nid))) {
                continue;
            }
            long available = reclaim.reclaimablePages(z) + z.freePages;
            if (available > z.freePages
                    && zoneWatermarkOk(z, order, z.watermark(Zone.WMARK_MIN), highest, allocFlags, available)) {
                return true;
            }
        }
        return false;
    }

    private long fail(int gfp, int order, NodeMask nodemask, int preferredNid) {
        allocFailures++;
        if ((gfp & Gfp.Bits.NOWARN) == 0 && ++warnedFailures <= WARN_ALLOC_BURST) {
            if (warnedFailures == WARN_ALLOC_BURST) {
                LOG.warn("further page allocation failure reports suppressed (warn_alloc ratelimit)");
            }
            LOG.warn("page allocation failure: order:{}, mode:{}({}), nodemask={}, preferred nid {}",
                    order, String.format("%#x", gfp), Gfp.of(gfp), nodemask == null ? "(null)" : nodemask, preferredNid);
        }
        return -Errno.ENOMEM.code();
    }

    /** Allocations that returned ENOMEM. */
    public long allocFailures() {
        return allocFailures;
    }

    /** Times should_compact_retry sent the slow path round again (the compact_retry trace's ret=1). */
    public long compactRetries() {
        return compactRetries;
    }

    /** __GFP_NOFAIL allocations that could not be served: the kernel would hang here. */
    public long nofailStuck() {
        return nofailStuck;
    }

    /**
     * {@code __free_pages(page, order)}: drops the caller's reference to the folio at {@code pfn},
     * which must have been allocated with {@code order}, and frees it when that was the last. A
     * bad free (not allocated, a tail page, a wrong order) throws and changes nothing. The last
     * reference goes through the attached {@link FolioRelease} (the free gate), if any.
     */
    public void freePages(long pfn, int order) {
        Zone z = headZone(pfn);
        int i = (int) (pfn - z.startPfn);
        int actual = PageState.order(z.state[i]);
        if (actual != order) {
            throw new BadFreeException(pfn, "freed as order " + order + " but allocated as order " + actual);
        }
        if (--z.next[i] == 0) {
            if (release != null) {
                release.lastReference(z, i, order, FreePath.FREE_PAGES, true);
            } else {
                freeFolio(z, i, order);
            }
        }
    }

    /** Lets {@code r} see every last reference {@link #freePages} drops (one per allocator). */
    void attach(FolioRelease r) {
        if (release != null) {
            throw new IllegalStateException("a FolioRelease is already attached");
        }
        this.release = r;
    }

    /** The zone of the allocated folio starting at {@code pfn}; throws for anything else. */
    Zone headZone(long pfn) {
        Zone z = mem.zoneOf(pfn);
        if (z == null) {
            throw new BadFreeException(pfn, "not in any zone");
        }
        byte s = z.state[(int) (pfn - z.startPfn)];
        if (PageState.kind(s) != PageState.HEAD) {
            throw new BadFreeException(pfn, "not an allocated folio (" + PageState.describe(s) + ", "
                    + z + ") - double free?");
        }
        return z;
    }

    /**
     * __free_pages_ok: returns the folio at index {@code i} of {@code z} (its last reference gone)
     * to the per-CPU lists or the buddy allocator.
     */
    void freeFolio(Zone z, int i, int order) {
        if (order > 0) {
            Arrays.fill(z.state, i + 1, i + (1 << order), (byte) PageState.INSIDE);
        }
        z.state[i] = PageState.INSIDE;
        z.next[i] = 0;
        z.prev[i] = 0;
        int mt = z.pageblockMigratetype(z.startPfn + i);
        if (z.pcp != null && Pcp.allowedOrder(order) && mt != Buddy.ISOLATE) {
            Pcp.free(z, i, order, mt);
        } else {
            Buddy.freeOnePage(z, i, order, mt);
        }
        nodes[z.nid].vmstat[VmStat.PGFREE.ordinal()] += 1L << order;
        if (tracer.on(Tracepoint.MM_PAGE_FREE)) {
            long pfn = z.startPfn + i;
            tracer.emit(Tracepoint.MM_PAGE_FREE, z.nid, Tracer.page(pfn), pfn, order);
        }
    }

    /**
     * Turns on the per-CPU page lists (one pageset per zone), sized as the kernel sizes them at
     * boot. Off by default at this level so buddy behaviour can be tested on its own; the
     * kernel model ({@code Kernel.boot}) and the CLI turn it on.
     */
    public PageAllocator enablePcp() {
        int online = 0;
        for (Node n : nodes) {
            online += n.cpus.size();
        }
        for (Node n : nodes) {
            for (Zone z : n.zones) {
                if (z.populated() && z.pcp == null) {
                    z.pcp = Pcp.forZone(z, n.cpus.size(), online);
                }
            }
        }
        return this;
    }

    /** drain_all_pages: every per-CPU list back to the buddy allocator. */
    public void drainAllPages() {
        for (Node n : nodes) {
            for (Zone z : n.zones) {
                Pcp.drain(z);
            }
        }
    }

    /** drain_all_pages(zone): the zone's per-CPU lists (one pageset modelled) back to the buddy allocator. */
    public void drainZonePages(Zone z) {
        Pcp.drain(z);
    }

    /** The order of the allocated folio at {@code pfn}, or -1 if none starts there. */
    public int folioOrder(long pfn) {
        Zone z = mem.zoneOf(pfn);
        if (z == null) {
            return -1;
        }
        byte s = z.state[(int) (pfn - z.startPfn)];
        return PageState.kind(s) == PageState.HEAD ? PageState.order(s) : -1;
    }
}
