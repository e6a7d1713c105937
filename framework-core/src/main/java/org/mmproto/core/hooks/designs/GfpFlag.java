package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.CollapsePlan;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.CollapseRequest;
import org.mmproto.api.driver.Requests.CompactionRequest;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code gfp-flag}: Gregory's April working branch (mails of 13 and 15 Apr 2026, "Evolution"
 * in the RFC notes): the v4 node states, zonelists and cpuset handling, but no callback table;
 * NP_OPS_MIGRATION folded into NP_OPS_MEMPOLICY, the reclaim flags into one NP_OPS_RECLAIM, and
 * every other interaction filtered by {@code __GFP_PRIVATE} at allocation time — whoever adds
 * the flag reaches the node, nobody else does. khugepaged and compaction leave the node alone
 * (branch doc). Our readings ([I] in the design matrix): a folio leaves or reaches the node only
 * with MEMPOLICY (-ENOENT / ENODEV as v4); the node-level {@code migration_blocked} back-pressure
 * bit is the driver's pressure at CRAM_PRESSURE_MAX (ENOSPC), and it alone gates demotion onto
 * an NP_OPS_DEMOTION node; a longterm pin follows the zone (ZONE_NORMAL pins in place,
 * ZONE_MOVABLE must migrate off, which needs MEMPOLICY, else the pin fails); no free
 * notification ("no callbacks in the MVP") and no write protection. set_mempolicy_home_node
 * is mainline (Site.HOME_NODE): the April branch gates nodemasks, and a home node is no nodemask;
 * without MEMPOLICY no policy reaches the node, home node or not.
 */
public final class GfpFlag extends RfcV4Nodes {
    private static final int PRESSURE_MAX = 1000;

    @Override
    public String name() {
        return "gfp-flag";
    }

    @Override
    public String summary() {
        return "April branch: __GFP_PRIVATE filter only, MIGRATION folded into MEMPOLICY, no callbacks";
    }

    @Override
    public String source() {
        return "G. Price, 13 and 15 Apr 2026 (ad0iT4UWka3gMUpu, ad-r7hwIdnvKsrh9)";
    }

    @Override
    public AllocContext userAllocation(UserAllocation r, DriverAccess driver) {
        AllocContext c = bindStartsInMask(r, AllocContext.mainline(r.gfp()));
        boolean optedIn = r.reason() == MigrateReason.MR_DEMOTION ? driver.has(NpOps.NP_OPS_DEMOTION)
                : driver.has(NpOps.NP_OPS_MEMPOLICY);
        return optedIn ? c.withGfp(r.gfp().or(Gfp.__GFP_PRIVATE)) : c;
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
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        if (site == Site.MIGRATE_NODE) {
            return nodeNeeds(driver.has(NpOps.NP_OPS_MEMPOLICY), "NP_OPS_MEMPOLICY");
        }
        return policyNeeds(driver, NpOps.NP_OPS_MEMPOLICY);
    }

    @Override
    public Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver) {
        Verdict needs = migrationNeeds(driver.has(NpOps.NP_OPS_MEMPOLICY), "NP_OPS_MEMPOLICY", onto);
        if (needs != null) {
            return needs;
        }
        return onto ? migrationBlocked(driver) : Verdict.ALLOW;
    }

    private static Verdict migrationBlocked(DriverAccess driver) {
        return driver.pressure() >= PRESSURE_MAX ? Verdict.deny(Errno.ENOSPC, "node migration_blocked (pressure at max)")
                : Verdict.ALLOW;
    }

    @Override
    public PinAction longtermPin(PinRequest request, DriverAccess driver) {
        if (request.folio().zone() != ZoneType.MOVABLE) {
            return PinAction.PIN_IN_PLACE;
        }
        return driver.has(NpOps.NP_OPS_MEMPOLICY) ? PinAction.MIGRATE_THEN_PIN : PinAction.REFUSE;
    }

    @Override
    public ReclaimPolicy reclaim(int nid, DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_RECLAIM) ? MAINLINE_RECLAIM : NO_RECLAIM;
    }

    /** The v4 memory-tiers patch the branch keeps: only an NP_OPS_DEMOTION node joins the tiers. */
    @Override
    public boolean memoryTier(int nid, DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_DEMOTION);
    }

    @Override
    public Verdict demotion(MigrationRequest request, DriverAccess driver) {
        if (!driver.has(NpOps.NP_OPS_DEMOTION)) {
            return Verdict.deny(Errno.ENODEV, "node is not a demotion target (no NP_OPS_DEMOTION)");
        }
        return migrationBlocked(driver);
    }

    @Override
    public Verdict promotion(MigrationRequest request, DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_MEMPOLICY) ? Verdict.ALLOW
                : Verdict.deny(Errno.EBUSY, "folios of the node do not migrate without NP_OPS_MEMPOLICY");
    }

    @Override
    public CollapsePlan collapse(CollapseRequest request, DriverAccess driver) {
        return CollapsePlan.SKIP;
    }

    @Override
    public Verdict compaction(CompactionRequest request, DriverAccess driver) {
        return Verdict.deny(Errno.EINVAL, "compaction leaves private nodes alone (branch doc)");
    }
}
