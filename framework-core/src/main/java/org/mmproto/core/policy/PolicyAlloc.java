package org.mmproto.core.policy;

import static org.mmproto.core.task.MemPolicy.MPOL_BIND;
import static org.mmproto.core.task.MemPolicy.MPOL_INTERLEAVE;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED;
import static org.mmproto.core.task.MemPolicy.MPOL_PREFERRED_MANY;
import static org.mmproto.core.task.MemPolicy.MPOL_WEIGHTED_INTERLEAVE;

import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.design.ZonelistKind;
import org.mmproto.api.driver.Site;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.PolicyAllocation;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * alloc_pages_mpol for user memory: the effective policy of (task, vma, addr) picks the node and
 * nodemask, then the page allocator runs. The one place the fault and migration paths allocate
 * user folios.
 *
 * <ul>
 *   <li>default (no policy: the per-node preferred policy) and LOCAL: the CPU's node, normal
 *       fallback;</li>
 *   <li>PREFERRED: the policy's node, normal fallback;</li>
 *   <li>BIND: the policy nodes as nodemask, walked from the local node's zonelist (or from the
 *       home node), so the nearest allowed node comes first; the mask applies only to zones at or
 *       above policy_zone (ZONE_MOVABLE only when every policy node is movable-only) and only when
 *       it meets the task's cpuset;</li>
 *   <li>PREFERRED_MANY: within the mask without direct reclaim and with __GFP_NOWARN, then
 *       anywhere with the caller's gfp; home node = preferred node;</li>
 *   <li>INTERLEAVE / WEIGHTED_INTERLEAVE: the node of the interleave index (VMA allocations) or
 *       the task's round robin (il_prev/il_weight, allocations without a VMA); no nodemask, so a
 *       full node falls back; numa_interleave counts plain interleave pages that land on the
 *       chosen node;</li>
 *   <li>THP (order 9 with an interleave index, policy not interleave, node allowed by the mask):
 *       first the node alone with __GFP_THISNODE|__GFP_NORETRY; retried normally only if the gfp
 *       allows direct reclaim.</li>
 * </ul>
 * A task whose cpuset mems do not cover every memory node is restricted to them
 * (prepare_alloc_pages with cpusets enabled).
 */
public final class PolicyAlloc {
    static final int HPAGE_PMD_ORDER = 9;

    private PolicyAlloc() {
    }

    /**
     * The policy in force at addr: the VMA's (for a memfd mapping, shared or private, the file's
     * shared policy), else the task's, else null (default).
     */
    public static MemPolicy effective(Task t, Vma vma, long addr) {
        if (vma != null) {
            if (vma.file() != null) {
                MemPolicy p = vma.file().policyAt(vma.fileIndex(addr));
                if (p != null) {
                    return p;
                }
            } else if (vma.policy() != null) {
                return vma.policy();
            }
        }
        return t.policy();
    }

    /** The fault path's {@link PolicyAllocation} port on {@code k}: {@link #alloc} by the VMA's policy. */
    public static PolicyAllocation port(PolicyServices k) {
        return (t, vma, addr, gfp, order) -> alloc(k, t, vma, addr, gfp, order);
    }

    /**
     * alloc_pages(gfp, order) for a non-folio kernel allocation made on behalf of {@code t}
     * (pagetable_alloc): the task policy unless __GFP_THISNODE, no interleave index, t's node;
     * it does not go through the folio entry point, so no design selects its context: it walks
     * the default zonelists with the caller's mask, and the policy's private nodes are not its intent.
     */
    public static long allocPages(PolicyServices k, Task t, int gfp, int order) {
        MemPolicy pol = (gfp & Gfp.Bits.THISNODE) != 0 ? null : t.policy();
        if (pol == null && t.memsCoverAllMemory()) {
            return k.core().alloc().allocPages(gfp, order, t.nid(), null, t.nid());
        }
        return allocMpolInner(k, t, gfp, order, pol, InterleaveIndex.NO_INTERLEAVE_INDEX, t.nid());
    }

    /** Allocates a folio for the user page at addr; returns its pfn or -errno. vma null = alloc_pages(). */
    public static long alloc(PolicyServices k, Task t, Vma vma, long addr, int gfp, int order) {
        if (vma == null) {
            MemPolicy pol = (gfp & Gfp.Bits.THISNODE) != 0 ? null : t.policy();
            return allocMpol(k, t, gfp, order, pol, InterleaveIndex.NO_INTERLEAVE_INDEX, t.nid());
        }
        MemPolicy pol = effective(t, vma, addr);
        if (pol == null && order == 0 && t.memsCoverAllMemory()) {
            // the default policy for a small folio: the local node, normal fallback, no cpuset limit
            return k.core().alloc().allocPages(gfp, 0, t.nid(), null, t.nid());
        }
        long ilx = InterleaveIndex.of(vma, addr, order);
        return allocMpol(k, t, gfp, order, pol, ilx, t.nid());
    }

    /**
     * alloc_pages_mpol(gfp, order, pol, ilx, nid) on behalf of task t (its CPU's node is the
     * local node; its cpuset restricts the nodes). pol null = the default policy.
     */
    public static long allocMpol(PolicyServices k, Task t, int gfp, int order, MemPolicy pol, long ilx, int nid) {
        return allocMpol(k, t, gfp, order, pol, ilx, nid, null);
    }

    /**
     * As above for a migration target allocated by policy (alloc_migration_target_by_mpol, mbind
     * MPOL_MF_MOVE): {@code reason} is its migration reason, null for a fault.
     */
    public static long allocMpol(PolicyServices k, Task t, int gfp, int order, MemPolicy pol, long ilx, int nid,
                                 MigrateReason reason) {
        long named = privateNodesOf(k, pol);
        if (named == 0) {
            return allocMpolInner(k, t, gfp, order, pol, ilx, nid);
        }
        // The folio entry point of a policy naming private nodes: the design makes the context
        // (mask, zonelist, start node, task scope) at Site.ALLOC_CONTEXT, once per private node
        // the policy names, and the contexts merge (contract R4.14). The node the walk would
        // start from is the home node when the policy has one (policy_nodemask), else the local one.
        int start = homeNodeApplies(pol) ? pol.homeNode() : nid;
        AllocContext ctx = contextFor(k, t, gfp, order, pol, named, start, reason);
        boolean fixed = ctx.startNid() >= 0;
        if (fixed) {
            nid = ctx.startNid();
        }
        var d = k.core().dispatcher();
        if (ctx.taskScope()) {
            d.taskScope(true);
        }
        try {
            return allocMpolInner(k, t, ctx.gfp().bits(), order, pol, ilx, nid, fixed, ctx.zonelist(), named, reason);
        } finally {
            if (ctx.taskScope()) {
                d.taskScope(false);
            }
        }
    }

    /** BIND and PREFERRED_MANY start from the home node when one is set (policy_nodemask). */
    private static boolean homeNodeApplies(MemPolicy pol) {
        return pol.homeNode() != MemPolicy.NUMA_NO_NODE
                && (pol.mode() == MPOL_BIND || pol.mode() == MPOL_PREFERRED_MANY);
    }

    /** One ALLOC_CONTEXT decision per private node {@code named} holds, in nid order, merged. */
    private static AllocContext contextFor(PolicyServices k, Task t, int gfp, int order, MemPolicy pol, long named, int start,
                                           MigrateReason reason) {
        var d = k.core().dispatcher();
        boolean onlyPrivate = pol.nodes().weight() == Long.bitCount(named);
        AllocContext merged = null;
        for (long bits = named; bits != 0; bits &= bits - 1) {
            int priv = Long.numberOfTrailingZeros(bits);
            AllocContext c = d.userAllocation(new UserAllocation(priv, Gfp.of(gfp), order,
                    reason == null ? Site.PAGE_ALLOC : Site.MIGRATE_TARGET, reason,
                    pol.nodes(), pol.mode() == MPOL_BIND, onlyPrivate, start, t.ref(),
                    (pol.flags() & MemPolicy.MPOL_F_PRIVATE) != 0));
            merged = merged == null ? c : merged.merge(c);
        }
        return merged;
    }

    /** The private nodes the policy names, one bit per nid (0 = none, or no dispatcher). */
    private static long privateNodesOf(PolicyServices k, MemPolicy pol) {
        if (pol == null || k.core().dispatcher() == null || !k.core().dispatcher().hasPrivateNodes()) {
            return 0;
        }
        long bits = 0;
        for (int n = pol.nodes().first(); n >= 0 && n < k.core().mem().nodeCount(); n = pol.nodes().next(n)) {
            if (k.core().dispatcher().isPrivate(n)) {
                bits |= 1L << n;
            }
        }
        return bits;
    }

    private static long allocMpolInner(PolicyServices k, Task t, int gfp, int order, MemPolicy pol, long ilx, int nid) {
        return allocMpolInner(k, t, gfp, order, pol, ilx, nid, false, null, 0, null);
    }

    /**
     * @param fixed    the design's context chose the start node (nid), which the home node does not override
     * @param zonelist the zonelist the folio entry point selected (null: no private node concerned)
     * @param intent   the private nodes the policy names (bit per nid), which its allocations aim at
     */
    private static long allocMpolInner(PolicyServices k, Task t, int gfp, int order, MemPolicy pol, long ilx, int nid,
                                       boolean fixed, ZonelistKind zonelist, long intent, MigrateReason reason) {
        int mode = pol == null ? MemPolicy.MPOL_DEFAULT : pol.mode();
        NodeMask nodemask = null;
        switch (mode) {
            case MPOL_PREFERRED -> nid = pol.nodes().first();
            case MPOL_PREFERRED_MANY -> {
                nodemask = pol.nodes();
                if (pol.homeNode() != MemPolicy.NUMA_NO_NODE && !fixed) {
                    nid = pol.homeNode();
                }
            }
            case MPOL_BIND -> {
                if (applyPolicyZone(k, pol, Gfp.of(gfp).zoneIndex()) && intersects(pol.nodes(), t.memsAllowed())) {
                    nodemask = pol.nodes();
                }
                if (pol.homeNode() != MemPolicy.NUMA_NO_NODE && !fixed) {
                    nid = pol.homeNode();
                }
            }
            case MPOL_INTERLEAVE -> nid = ilx == InterleaveIndex.NO_INTERLEAVE_INDEX
                    ? Interleave.nextNode(t, pol) : Interleave.nid(pol, ilx, t.nid());
            case MPOL_WEIGHTED_INTERLEAVE -> nid = ilx == InterleaveIndex.NO_INTERLEAVE_INDEX
                    ? Interleave.nextWeightedNode(k.interleaveWeights(), t, pol)
                    : Interleave.weightedNid(k.interleaveWeights(), pol, ilx, t.nid());
            default -> {
                // MPOL_DEFAULT, MPOL_LOCAL: the node passed in (numa_node_id())
            }
        }
        int local = t.nid();
        if (mode == MPOL_PREFERRED_MANY) {
            int firstGfp = (gfp | Gfp.Bits.NOWARN) & ~(Gfp.Bits.DIRECT_RECLAIM | Gfp.Bits.NOFAIL);
            long pfn = page(k, zonelist, intent, reason, firstGfp, order, nid, cpuset(k, t, nodemask), local);
            return pfn >= 0 ? pfn : page(k, zonelist, intent, reason, gfp, order, nid, cpuset(k, t, null), local);
        }
        if (order == HPAGE_PMD_ORDER && ilx != InterleaveIndex.NO_INTERLEAVE_INDEX
                && mode != MPOL_INTERLEAVE && mode != MPOL_WEIGHTED_INTERLEAVE
                && (nodemask == null || nodemask.contains(nid))) {
            long pfn = page(k, zonelist, intent, reason, gfp | Gfp.Bits.THISNODE | Gfp.Bits.NORETRY, order, nid,
                    cpuset(k, t, null), local);
            if (pfn >= 0 || (gfp & Gfp.Bits.DIRECT_RECLAIM) == 0) {
                return pfn;
            }
        }
        long pfn = page(k, zonelist, intent, reason, gfp, order, nid, cpuset(k, t, nodemask), local);
        if (mode == MPOL_INTERLEAVE && pfn >= 0 && k.core().memmap().nid(pfn) == nid) {
            k.core().mem().count(nid, VmStat.NUMA_INTERLEAVE, 1);
        }
        return pfn;
    }

    /** One __alloc_pages call of the folio entry point, with the context it selected. */
    private static long page(PolicyServices k, ZonelistKind zonelist, long intent, MigrateReason reason, int gfp,
                             int order, int nid, NodeMask nodemask, int local) {
        if (zonelist != null) {
            k.core().alloc().prepare(zonelist, true, intent, reason);
        }
        return k.core().alloc().allocPages(gfp, order, nid, nodemask, local);
    }

    /** cpuset_nodemask_valid_mems_allowed: the mask meets the task's mems. */
    private static boolean intersects(NodeMask a, NodeMask b) {
        for (int n = a.first(); n >= 0; n = a.next(n)) {
            if (b.contains(n)) {
                return true;
            }
        }
        return false;
    }

    /**
     * apply_policy_zone: a BIND mask restricts only allocations whose highest zone is at least
     * policy_zone (the highest populated zone below ZONE_MOVABLE), or only ZONE_MOVABLE ones when
     * no policy node has normal memory.
     */
    static boolean applyPolicyZone(PolicyServices k, MemPolicy pol, int zoneIdx) {
        int dynamicPolicyZone = policyZone(k);
        boolean anyNormal = false;
        for (int n = pol.nodes().first(); n >= 0; n = pol.nodes().next(n)) {
            if (n < k.core().mem().nodeCount() && k.core().mem().node(n).inNNormalMemory()) {
                anyNormal = true;
                break;
            }
        }
        if (!anyNormal) {
            dynamicPolicyZone = ZoneType.MOVABLE.ordinal();
        }
        return zoneIdx >= dynamicPolicyZone;
    }

    /** policy_zone: the highest zone type other than ZONE_MOVABLE that has memory on some node. */
    static int policyZone(PolicyServices k) {
        return k.policyZone();
    }

    /** policy_zone computed from the zone layout (fixed after boot). */
    public static int computePolicyZone(PolicyServices k) {
        int best = 0;
        for (Zone z : k.core().mem().zones()) {
            if (z.populated() && z.type() != ZoneType.MOVABLE) {
                best = Math.max(best, z.type().ordinal());
            }
        }
        return best;
    }

    /**
     * prepare_alloc_pages with cpusets: when the task's mems do not cover every memory node,
     * the allocation is limited to them (a missing nodemask becomes the mems).
     */
    static NodeMask cpuset(PolicyServices k, Task t, NodeMask nodemask) {
        if (t.memsCoverAllMemory()) {
            return nodemask;
        }
        NodeMask mems = t.memsAllowed();
        for (int nid = 0; nid < k.core().mem().nodeCount(); nid++) {
            if (!mems.contains(nid) && k.core().mem().node(nid).inNMemory()) {
                return nodemask == null ? mems : nodemask.and(mems);
            }
        }
        return nodemask;
    }
}
