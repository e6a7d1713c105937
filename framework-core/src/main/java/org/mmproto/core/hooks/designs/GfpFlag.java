package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code gfp-flag}: Gregory's April working branch (mails of 13 and 15 Apr 2026,
 * private-nodes-rfc.md §7 "Evolution"): no callback table; NP_OPS_MIGRATION folded into
 * NP_OPS_MEMPOLICY, and every other interaction filtered by {@code __GFP_PRIVATE} at allocation
 * time — whoever adds the flag reaches the node, nobody else does. Our readings ([I] in
 * design-matrix.md): a folio leaves or reaches the node only with MEMPOLICY (-ENOENT / ENODEV
 * as v4); the node-level {@code migration_blocked} back-pressure bit is the driver's pressure at
 * CRAM_PRESSURE_MAX (ENOSPC); a longterm pin follows the zone (ZONE_NORMAL pins in place,
 * ZONE_MOVABLE must migrate off, which needs MEMPOLICY, else the pin fails); no free
 * notification ("no callbacks in the MVP") and no write protection.
 */
public final class GfpFlag extends Unpatched {
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
    public Verdict alloc(AllocRequest request, DriverAccess driver) {
        return privateFlagGate(request);
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        return policyNeeds(driver, NpOps.NP_OPS_MEMPOLICY);
    }

    @Override
    public Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver) {
        Verdict needs = migrationNeeds(driver, NpOps.NP_OPS_MEMPOLICY, onto);
        if (needs != null) {
            return needs;
        }
        if (onto && driver.pressure() >= PRESSURE_MAX) {
            return Verdict.deny(Errno.ENOSPC, "node migration_blocked (pressure at max)");
        }
        return Verdict.ALLOW;
    }

    @Override
    public PinAction longtermPin(PinRequest request, DriverAccess driver) {
        if (request.folio().zone() != ZoneType.MOVABLE) {
            return PinAction.PIN_IN_PLACE;
        }
        return driver.has(NpOps.NP_OPS_MEMPOLICY) ? PinAction.MIGRATE_THEN_PIN : PinAction.REFUSE;
    }

    @Override
    public Gfp userAllocationGfp(Gfp gfp, Site site, DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_MEMPOLICY) ? gfp.or(Gfp.__GFP_PRIVATE) : gfp;
    }
}
