package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.CollapsePlan;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.driver.Decisions.DeviceMapping;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.DeviceMmapRequest;
import org.mmproto.api.driver.Requests.CollapseRequest;
import org.mmproto.api.driver.Requests.CompactionRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code ops-struct}: the RFC v4 series as posted ("[RFC PATCH v4 00/27] Private Memory Nodes
 * (w/ Compressed RAM)", G. Price, 22 Feb 2026). Private nodes are N_MEMORY_PRIVATE (patch 1),
 * outside every other node's fallback list, first in their own (patch 4), in cpuset mems
 * (patch 17); the page allocator skips their zones unless the mask carries
 * {@code __GFP_PRIVATE} (patches 2-3: numa_zone_alloc_allowed), which mempolicy injects for
 * policies naming a node that opted into NP_OPS_MEMPOLICY, starting a BIND from the mask's first
 * node (patch 13), and migrate_to's target allocation adds as GFP_PRIVATE. Each mm call site
 * checks the node's NP_OPS_* flag (patches 12-20) and calls the driver's node_private_ops:
 * free_folio on the two free paths v4 wired, {@code __folio_put} and {@code folios_put_refs}
 * (patch 10) — a plain {@code __free_pages} is not wired, so such frees go unnotified;
 * migrate_to/folio_migrate (patch 12); handle_fault for write-protected nodes (patch 15);
 * reclaim_policy before kswapd reclaims a NP_OPS_RECLAIM node (patch 16); khugepaged skips the
 * node (patch 9); compaction only with NP_OPS_COMPACTION (patch 19); a longterm pin only with
 * NP_OPS_LONGTERM_PIN (patch 20). There is no allocation veto in v4: the gate is the flag.
 *
 * <p>Our readings ([I]): with NP_OPS_LONGTERM_PIN the driver's longterm_pin answer decides per
 * folio (a device with in-flight DMA windows can refuse one); a folio leaving the node asks the
 * driver's migration filter after the flag check, as does a NUMA-balancing promotion off it;
 * teardown notification is carried by the callback table (mmproto's addition, the accelerator's
 * alternative to free callbacks, §13 Q8).
 *
 * <p>set_mempolicy_home_node (Site.HOME_NODE) is mainline: v4 patch 13 changes
 * mpol_set_nodemask, which the home-node syscall does not call, and no v4 patch touches the
 * syscall, so a private home node is accepted with or without NP_OPS_MEMPOLICY; the home node is
 * only a start node (patch 13 starts a BIND from the mask's first node when the start is outside
 * the mask), so it never adds a node to a policy.
 */
public final class OpsStruct extends RfcV4Nodes {
    @Override
    public String name() {
        return "ops-struct";
    }

    @Override
    public String summary() {
        return "RFC v4: __GFP_PRIVATE gate + per-node NP_OPS_* flags at each site + node_private_ops callbacks";
    }

    @Override
    public String source() {
        return "[RFC PATCH v4 00/27] Private Memory Nodes (w/ Compressed RAM), 2026-02-22, patches 1-23";
    }

    /** MPOL_F_PRIVATE at fault time (patch 13); GFP_PRIVATE in migrate_to's target allocation (patch 12). */
    @Override
    public AllocContext userAllocation(UserAllocation r, DriverAccess driver) {
        AllocContext c = bindStartsInMask(r, AllocContext.mainline(r.gfp()));
        boolean optedIn = r.fault() ? r.mpolPrivate() || driver.has(NpOps.NP_OPS_MEMPOLICY)
                : r.reason() == MigrateReason.MR_DEMOTION ? driver.has(NpOps.NP_OPS_DEMOTION)
                : driver.has(NpOps.NP_OPS_MIGRATION);
        return optedIn ? c.withGfp(r.gfp().or(Gfp.__GFP_PRIVATE)) : c;
    }

    /** Patch 13 has MPOL_F_PRIVATE: a device's mmap may stamp it on the VMA's policy (vma_alloc_folio then injects __GFP_PRIVATE). */
    @Override
    public DeviceMapping deviceMmap(DeviceMmapRequest request, DeviceMapping device) {
        return device;
    }

    @Override
    public boolean honoursGfpPrivate() {
        return true;
    }

    @Override
    public Verdict alloc(AllocGate gate, DriverAccess driver) {
        return privateFlagGate(gate);
    }

    @Override
    public FreeAction free(FreeEvent event, DriverAccess driver) {
        if (event.path() == FreePath.FREE_PAGES) {
            return FreeAction.RETURN_TO_BUDDY; // v4 wired free_folio into __folio_put and folios_put_refs only
        }
        return driver.freeFolio(event);
    }

    /** v4 promises free_folio wherever a folio's last reference goes: the unwired __free_pages path breaks it. */
    @Override
    public boolean notifiesFree(FreePath path) {
        return true;
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        if (site == Site.MIGRATE_NODE) {
            return nodeNeeds(driver.has(NpOps.NP_OPS_MIGRATION), "NP_OPS_MIGRATION");
        }
        return policyNeeds(driver, NpOps.NP_OPS_MEMPOLICY);
    }

    @Override
    public Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver) {
        Verdict needs = migrationNeeds(driver.has(NpOps.NP_OPS_MIGRATION), "NP_OPS_MIGRATION", onto);
        if (needs != null) {
            return needs;
        }
        if (onto) {
            return migrateTo(request, driver);
        }
        // the driver's filter is asked when the folio would really leave for a known node, not for
        // a query or a target the policy picks later (mmproto's addition, [I])
        boolean leaves = request.to() >= 0 && request.to() != request.from();
        return leaves ? driver.migrationFilter(request) : Verdict.ALLOW;
    }

    private static Verdict migrateTo(MigrationRequest request, DriverAccess driver) {
        MigrateTo answer = driver.migrateTo(request);
        return answer.accept() ? Verdict.ALLOW
                : Verdict.deny(answer.refusal() == null ? Errno.ENOMEM : answer.refusal(), "migrate_to refused");
    }

    /** Without the flag the migration target allocation lacks __GFP_PRIVATE: -ENOMEM, the folio stays. */
    @Override
    public PinAction longtermPin(PinRequest request, DriverAccess driver) {
        if (!driver.has(NpOps.NP_OPS_LONGTERM_PIN)) {
            return PinAction.REFUSE;
        }
        return driver.longtermPin(request).allowed() ? PinAction.PIN_IN_PLACE : PinAction.REFUSE;
    }

    @Override
    public boolean writeProtected(DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_PROTECT_WRITE);
    }

    @Override
    public FaultAction writeFault(FaultRequest request, DriverAccess driver) {
        return driver.handleFault(request);
    }

    /** cram_set_pressure: the first populated zone's boost is managed × pressure / 1000, for a reclaimable node. */
    @Override
    public long watermarkBoost(int nid, int pressure, long managedPages, DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_RECLAIM) ? managedPages * pressure / 1000 : 0;
    }

    /** zone_reclaim_allowed, then reclaim_policy, which may only enable swap and writepage. */
    @Override
    public ReclaimPolicy reclaim(int nid, DriverAccess driver) {
        if (!driver.has(NpOps.NP_OPS_RECLAIM)) {
            return NO_RECLAIM;
        }
        ReclaimPolicy p = driver.reclaimPolicy();
        return new ReclaimPolicy(true, p.maySwap(), p.mayWritepage(), p.managedWatermarks());
    }

    /** Patch 14: only NP_OPS_DEMOTION nodes join the "all memory" set establish_demotion_targets builds from. */
    @Override
    public boolean memoryTier(int nid, DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_DEMOTION);
    }

    /** Patch 14: only NP_OPS_DEMOTION nodes are demotion targets; migrate_to may push back (-ENOSPC). */
    @Override
    public Verdict demotion(MigrationRequest request, DriverAccess driver) {
        if (!driver.has(NpOps.NP_OPS_DEMOTION)) {
            return Verdict.deny(Errno.ENODEV, "node is not a demotion target (no NP_OPS_DEMOTION)");
        }
        return migrateTo(request, driver);
    }

    /** Patch 18: NUMA balancing only with NP_OPS_NUMA_BALANCING. */
    @Override
    public Verdict promotion(MigrationRequest request, DriverAccess driver) {
        if (!driver.has(NpOps.NP_OPS_NUMA_BALANCING)) {
            return Verdict.deny(Errno.EBUSY, "no NP_OPS_NUMA_BALANCING: hinting faults skip the node");
        }
        return driver.migrationFilter(request);
    }

    /** Patch 9: khugepaged treats private folios like ZONE_DEVICE (SCAN_PAGE_NULL). */
    @Override
    public CollapsePlan collapse(CollapseRequest request, DriverAccess driver) {
        return CollapsePlan.SKIP;
    }

    /** Patch 19: compaction only with NP_OPS_COMPACTION; a manual compact of the node is EINVAL. */
    @Override
    public Verdict compaction(CompactionRequest request, DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_COMPACTION) ? Verdict.ALLOW
                : Verdict.deny(Errno.EINVAL, "node has no NP_OPS_COMPACTION");
    }

    /** folio_split for each new folio, then once with none (patch 11). */
    @Override
    public boolean notifiesSplit() {
        return true;
    }

    /** folio_migrate after the copy, before the mapping is restored (patch 12). */
    @Override
    public boolean notifiesMigration() {
        return true;
    }

    @Override
    public boolean notifiesTeardown() {
        return true;
    }

    /** memory_failure callback, notification only (patch 21). */
    @Override
    public boolean notifiesMemoryFailure() {
        return true;
    }
}
