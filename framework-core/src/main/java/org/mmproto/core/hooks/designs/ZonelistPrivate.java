package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.CollapsePlan;
import org.mmproto.api.design.CpusetMems;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.HomeNodeRequest;
import org.mmproto.api.design.NodeZonelists;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.design.ZonelistKind;
import org.mmproto.api.driver.Decisions.DeviceMapping;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.Requests.DeviceMmapRequest;
import org.mmproto.api.driver.Requests.CollapseRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code zonelist-private}: v5, "Private Memory NUMA Nodes" (20 Jul 2026,
 * 20260720193431.3841992-1-gourry@gourry.net), after Gregory's zonelist selector (18 Jun) and
 * Babka's ack (22 Jun). Private nodes are N_MEMORY_PRIVATE (exclusive with N_MEMORY) and in no
 * FALLBACK or NOFALLBACK list, not even their own; only ZONELIST_PRIVATE(_NOFALLBACK) holds
 * them, and only the folio entry point selects it, per call: a mempolicy carrying
 * MPOL_F_PRIVATE (mpol_set_nodemask sets it on a BIND that leaves the FALLBACK set), or a kernel
 * caller's reason (USER_MIGRATE, TIERING, RECLAIM) when the node has the matching capability.
 * Nothing is inherited by nested allocations or interrupts. Capabilities fixed at registration
 * gate each service (USER_NUMA, DEMOTION needing RECLAIM, RECLAIM, NUMA_BALANCING, LTPIN,
 * HOTUNPLUG); khugepaged never touches private folios, MADV_COLLAPSE only with USER_NUMA; cpusets
 * neither grant nor deny the node. No callbacks.
 *
 * <p>Our readings ([I]): move_pages of a folio off the node is -ENOENT without USER_NUMA (as the
 * branch selftest); compaction runs inside the node's zones (its targets are the node's own free
 * pages, nothing arrives from elsewhere); a longterm pin without LTPIN fails and the folio stays,
 * since it cannot be migrated off without a capability; only MPOL_BIND places memory on the node
 * (other modes are narrowed to public nodes by the default zonelist).
 *
 * <p>set_mempolicy_home_node naming the node (Site.HOME_NODE) needs NODE_PRIVATE_CAP_USER_NUMA,
 * as the v5 capability table lists it with mbind and set_mempolicy: EINVAL without it, as
 * mpol_set_nodemask answers. The later branch selftest (private_node_mempolicy.sh case 5) accepts
 * it ungated; we follow the v5 cover letter, the design's mail.
 */
public final class ZonelistPrivate extends Unpatched {
    @Override
    public String name() {
        return "zonelist-private";
    }

    @Override
    public String summary() {
        return "v5: nodes only in ZONELIST_PRIVATE, selected per call by MPOL_F_PRIVATE or a capable reason";
    }

    @Override
    public String source() {
        return "Private Memory NUMA Nodes v5, 2026-07-20 (20260720193431.3841992-1-gourry@gourry.net)";
    }

    @Override
    public boolean inNMemory(int nid) {
        return false;
    }

    @Override
    public NodeZonelists zonelists(int nid) {
        return new NodeZonelists(false, false, false, true);
    }

    @Override
    public CpusetMems cpusetMems(int nid) {
        return CpusetMems.EXEMPT;
    }

    @Override
    public AllocContext userAllocation(UserAllocation r, DriverAccess driver) {
        AllocContext c = AllocContext.mainline(r.gfp());
        boolean selects = r.fault() ? r.mpolPrivate() || r.bind() && driver.has(NodeCap.NODE_PRIVATE_CAP_USER_NUMA)
                : reasonAllowed(r.reason(), driver);
        return selects ? c.select(ZonelistKind.PRIVATE) : c;
    }

    /**
     * A device's mmap stamps MPOL_BIND|MPOL_F_PRIVATE on the VMA (anondax's ->get_policy): no
     * capability needed, __alloc_pages_mpol selects ZONELIST_PRIVATE on the flag.
     */
    @Override
    public DeviceMapping deviceMmap(DeviceMmapRequest request, DeviceMapping device) {
        return device;
    }

    /** alloc_zonelist_for_node(nid, reason): PRIVATE only when the node has the reason's capability. */
    private static boolean reasonAllowed(MigrateReason reason, DriverAccess driver) {
        if (reason == null) {
            return false;
        }
        return switch (reason) {
            case MR_SYSCALL, MR_MEMPOLICY_MBIND -> driver.has(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
            case MR_DEMOTION -> driver.has(NodeCap.NODE_PRIVATE_CAP_DEMOTION);
            case MR_NUMA_MISPLACED -> driver.has(NodeCap.NODE_PRIVATE_CAP_NUMA_BALANCING);
            case MR_COMPACTION -> true;
            default -> false;
        };
    }

    /**
     * Only folio allocations can select ZONELIST_PRIVATE; a non-folio one that got here is refused.
     * A zone its owner withdrew (v5 CRAM's zone_set_no_alloc: admission gate closed,
     * converge_block, migration_blocked) refuses every allocation: the allocator reads the flag
     * itself, no callback.
     */
    @Override
    public Verdict alloc(AllocGate gate, DriverAccess driver) {
        if (!(gate.request().folio() && gate.zonelist() == ZonelistKind.PRIVATE)) {
            return Verdict.deny(Errno.ENOMEM, "private node reached without ZONELIST_PRIVATE");
        }
        return driver.allocationWithdrawn() ? Verdict.deny(Errno.ENOMEM, "zone withdrawn by its owner (zone_set_no_alloc)")
                : Verdict.ALLOW;
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        if (site == Site.MIGRATE_NODE) {
            return nodeNeeds(driver.has(NodeCap.NODE_PRIVATE_CAP_USER_NUMA), "NODE_PRIVATE_CAP_USER_NUMA");
        }
        return policyNeeds(driver, NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
    }

    @Override
    public Verdict homeNode(HomeNodeRequest request, DriverAccess driver) {
        return policyNeeds(driver, NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
    }

    @Override
    public Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver) {
        MigrateReason r = request.reason();
        boolean allowed = switch (r) {
            case MR_SYSCALL, MR_MEMPOLICY_MBIND -> driver.has(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
            case MR_DEMOTION -> driver.has(NodeCap.NODE_PRIVATE_CAP_DEMOTION);
            case MR_NUMA_MISPLACED -> driver.has(NodeCap.NODE_PRIVATE_CAP_NUMA_BALANCING);
            case MR_MEMORY_HOTPLUG -> driver.has(NodeCap.NODE_PRIVATE_CAP_HOTUNPLUG);
            case MR_COMPACTION, MR_MEMORY_FAILURE -> true;
            default -> false;
        };
        Verdict needs = migrationNeeds(allowed, "the capability for " + r.traceName(), onto);
        return needs == null ? Verdict.ALLOW : needs;
    }

    @Override
    public PinAction longtermPin(PinRequest request, DriverAccess driver) {
        return driver.has(NodeCap.NODE_PRIVATE_CAP_LTPIN) ? PinAction.PIN_IN_PLACE : PinAction.REFUSE;
    }

    @Override
    public ReclaimPolicy reclaim(int nid, DriverAccess driver) {
        return driver.has(NodeCap.NODE_PRIVATE_CAP_RECLAIM) ? MAINLINE_RECLAIM : NO_RECLAIM;
    }

    /** v5 CRAM's write fence: the node's folios are mapped read-only. */
    @Override
    public boolean writeProtected(DriverAccess driver) {
        return driver.has(NodeCap.NODE_PRIVATE_CAP_WRITE_FENCE);
    }

    /** The write goes through copy-on-write, the reuse check refusing the folio; no callback in v5. */
    @Override
    public FaultAction writeFault(FaultRequest request, DriverAccess driver) {
        return FaultAction.COPY;
    }

    /** NODE_PRIVATE_CAP_DEMOTION: "the node joins the demotion hierarchy". */
    @Override
    public boolean memoryTier(int nid, DriverAccess driver) {
        return driver.has(NodeCap.NODE_PRIVATE_CAP_DEMOTION);
    }

    /**
     * The node must be a demotion target and usable: CRAM's back-pressure (the sticky admission
     * gate, converge_block, migration_blocked) reaches the design as the owner's published zone
     * withdrawal, which demotion's target pick skips (-ENOSPC) before it allocates.
     */
    @Override
    public Verdict demotion(MigrationRequest request, DriverAccess driver) {
        if (!driver.has(NodeCap.NODE_PRIVATE_CAP_DEMOTION)) {
            return Verdict.deny(Errno.ENODEV, "node lacks NODE_PRIVATE_CAP_DEMOTION");
        }
        return driver.allocationWithdrawn() ? Verdict.deny(Errno.ENOSPC, "zone withdrawn by its owner (zone_set_no_alloc)")
                : Verdict.ALLOW;
    }

    @Override
    public Verdict promotion(MigrationRequest request, DriverAccess driver) {
        return driver.has(NodeCap.NODE_PRIVATE_CAP_NUMA_BALANCING) ? Verdict.ALLOW
                : Verdict.deny(Errno.EBUSY, "node lacks NODE_PRIVATE_CAP_NUMA_BALANCING");
    }

    @Override
    public CollapsePlan collapse(CollapseRequest request, DriverAccess driver) {
        return request.madvise() && driver.has(NodeCap.NODE_PRIVATE_CAP_USER_NUMA) ? CollapsePlan.ON_NODE_ONLY
                : CollapsePlan.SKIP;
    }
}
