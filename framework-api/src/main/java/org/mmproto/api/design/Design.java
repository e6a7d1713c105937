package org.mmproto.api.design;

import org.mmproto.api.FreePath;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.DeviceMapping;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.Requests.CollapseRequest;
import org.mmproto.api.driver.Requests.CompactionRequest;
import org.mmproto.api.driver.Requests.DeviceMmapRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;
import org.pf4j.ExtensionPoint;

/**
 * One proposal for keeping private nodes private: at each mm call site ({@link Site}) that
 * concerns a node the machine marks private, decide what happens, consulting the node's driver
 * through {@link DriverAccess} as the proposal would. The engine asks once per (event, node)
 * and records the answer; a design's patch footprint is the set of sites where its answer or
 * its driver consultation differs from the unpatched kernel's on the same event. Each method
 * names its site, and its default is what mainline Linux 6.12 does there (no private nodes: the
 * node is ordinary memory, no driver is asked), so a design overrides exactly its departures and
 * reads top to bottom as "at this site, this design does that".
 */
public interface Design extends ExtensionPoint {
    /** The name scenarios and --design use, e.g. "ops-struct". */
    String name();

    /** One line for `mmproto designs`. */
    String summary();

    /** The mail or patch series it follows. */
    String source();

    // ---- boot: once per private node ----

    /** {@link Site#NODE_STATES}: whether the node is in N_MEMORY (else N_MEMORY_PRIVATE). */
    default boolean inNMemory(int nid) {
        return true;
    }

    /** {@link Site#ZONELIST_BUILD}: where the node appears in the zonelists. */
    default NodeZonelists zonelists(int nid) {
        return NodeZonelists.MAINLINE;
    }

    /** {@link Site#CPUSET}: how the node relates to a task's mems_allowed. */
    default CpusetMems cpusetMems(int nid) {
        return CpusetMems.AS_N_MEMORY;
    }

    // ---- allocation ----

    /**
     * Whether {@code __GFP_PRIVATE} in a caller's mask means "I aim at the private node" under this
     * design (the flag designs); elsewhere the bit is unused and a kernel page landing on the node
     * is a leak like any other.
     */
    default boolean honoursGfpPrivate() {
        return false;
    }

    /** {@link Site#ALLOC_CONTEXT}: how a user folio allocation concerning the node is made. */
    default AllocContext userAllocation(UserAllocation request, DriverAccess driver) {
        return AllocContext.mainline(request.gfp());
    }

    /** {@link Site#PAGE_ALLOC}: may the allocation use the node's zones at all (numa_zone_alloc_allowed)? */
    default Verdict alloc(AllocGate gate, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /** {@link Site#PAGE_HANDOUT}: the watermark check passed; may the buddy hand the pages out? */
    default Verdict handout(AllocGate gate, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /** {@link Site#FREE}: a folio of the node reached refcount zero. */
    default FreeAction free(FreeEvent event, DriverAccess driver) {
        return FreeAction.RETURN_TO_BUDDY;
    }

    /**
     * Whether the design promises the driver a free_folio call for every folio of its node freed
     * through {@code path} (the "unnotified free" invariant holds the design to it).
     */
    default boolean notifiesFree(FreePath path) {
        return false;
    }

    // ---- user policy and migration ----

    /**
     * {@link Site#SET_MEMPOLICY}, {@link Site#MBIND}, {@link Site#MIGRATE_NODE}: may a user
     * nodemask or target node name the node?
     */
    default Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /**
     * {@link Site#HOME_NODE}: may set_mempolicy_home_node name private node {@code request.nid()}
     * as the home node? Asked once per call naming a private node, after the syscall's own
     * argument checks and before any VMA is touched; a denial's errno is the call's return value.
     * Mainline accepts any online node.
     */
    default Verdict homeNode(HomeNodeRequest request, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /** {@link Site#MIGRATE_SOURCE} ({@code onto} false) / {@link Site#MIGRATE_TARGET} (true). */
    default Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /** {@link Site#GUP_LONGTERM}: a FOLL_LONGTERM pin of a folio on the node. */
    default PinAction longtermPin(PinRequest request, DriverAccess driver) {
        return request.folio().zone() == ZoneType.MOVABLE ? PinAction.MIGRATE_THEN_PIN : PinAction.PIN_IN_PLACE;
    }

    // ---- faults ----

    /** {@link Site#WRITE_PROTECT}: are user PTEs of folios on the node mapped read-only? */
    default boolean writeProtected(DriverAccess driver) {
        return false;
    }

    /** {@link Site#WRITE_FAULT}: a write fault on a write-protected page of the node. */
    default FaultAction writeFault(FaultRequest request, DriverAccess driver) {
        return FaultAction.PROMOTE;
    }

    // ---- the subsystems that move memory behind the user's back ----

    /**
     * {@link Site#RECLAIM}, when the node's driver reports a new pressure (R1.6): the
     * watermark_boost of the node's first populated zone, in pages (0: none). A boost above 0
     * wakes the node's kswapd, whose balance_pgdat then reclaims to the boosted high mark.
     * RFC v4's cram_set_pressure sets managed pages × pressure / 1000; mainline has no path from
     * a device's pressure to the watermarks.
     */
    default long watermarkBoost(int nid, int pressure, long managedPages, DriverAccess driver) {
        return 0;
    }

    /** {@link Site#RECLAIM}: what kswapd and direct reclaim may do on the node. */
    default ReclaimPolicy reclaim(int nid, DriverAccess driver) {
        return ReclaimPolicy.MAINLINE;
    }

    /**
     * {@link Site#DEMOTION}, once per private node when the memory tiers are established
     * (establish_demotion_targets, at boot): does the node join the tier graph, as a demotion
     * target and a demotion source? Mainline: every memory node does.
     */
    default boolean memoryTier(int nid, DriverAccess driver) {
        return true;
    }

    /** {@link Site#DEMOTION}: may a folio be demoted onto the node? */
    default Verdict demotion(MigrationRequest request, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /** {@link Site#PROMOTION}: may NUMA balancing promote a folio off the node? */
    default Verdict promotion(MigrationRequest request, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /** {@link Site#KHUGEPAGED}: what a collapse does with folios of the node. */
    default CollapsePlan collapse(CollapseRequest request, DriverAccess driver) {
        return CollapsePlan.MAINLINE;
    }

    /** {@link Site#COMPACTION}: may compaction run in the node's zones? */
    default Verdict compaction(CompactionRequest request, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /**
     * {@link Site#COMPACTION}, once per pass of the free scanner over a zone of the node
     * (isolate_freepages): may compaction take the node's free pages as migration targets? Every
     * folio compaction moves lands on them: memory arriving on the node. A denial leaves the
     * pass without targets, so the run ends (COMPACT_CONTENDED) and nothing moves. Mainline: yes.
     */
    default Verdict compactionTargets(CompactionRequest request, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    // ---- the device file ----

    /**
     * {@link Site#DEVICE_FILE}: the device's mmap answered {@code device} (its f_op->mmap runs
     * under every kernel); what mapping does the kernel install? Mainline has no MPOL_F_PRIVATE:
     * the VMA gets the plain MPOL_BIND (CONTRACT R7.2).
     */
    default DeviceMapping deviceMmap(DeviceMmapRequest request, DeviceMapping device) {
        return device.withoutPrivateFlag();
    }

    // ---- notifications: whether the design's callback table carries them ----

    /** {@link Site#FOLIO_SPLIT}: the driver hears folio_split. */
    default boolean notifiesSplit() {
        return false;
    }

    /** {@link Site#MIGRATE_TARGET}/{@link Site#MIGRATE_SOURCE}: the driver hears folio_migrate after the copy. */
    default boolean notifiesMigration() {
        return false;
    }

    /** {@link Site#TEARDOWN}: the driver hears when a task's mapping of its node goes away. */
    default boolean notifiesTeardown() {
        return false;
    }

    /** {@link Site#MEMORY_FAILURE}: the driver hears of hardware memory failures on its node. */
    default boolean notifiesMemoryFailure() {
        return false;
    }
}
