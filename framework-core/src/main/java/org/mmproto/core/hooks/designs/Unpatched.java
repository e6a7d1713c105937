package org.mmproto.core.hooks.designs;

import org.mmproto.api.ZoneType;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * What the unpatched kernel does at each site: allocations, policies and migrations go through,
 * a freed folio returns to the buddy unannounced, a longterm pin migrates a ZONE_MOVABLE folio
 * away first and pins any other in place, nothing is write-protected. A design extends this and
 * overrides the sites its patches change, so each design class lists exactly its departures —
 * the same departures the dispatcher measures as its footprint.
 */
public abstract class Unpatched implements Design {
    @Override
    public Verdict alloc(AllocRequest request, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    @Override
    public FreeAction free(FreeEvent event, DriverAccess driver) {
        return FreeAction.RETURN_TO_BUDDY;
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    @Override
    public Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver) {
        return Verdict.ALLOW;
    }

    /** folio_is_longterm_pinnable: ZONE_MOVABLE is not. */
    @Override
    public PinAction longtermPin(PinRequest request, DriverAccess driver) {
        return mainlinePin(request);
    }

    static PinAction mainlinePin(PinRequest request) {
        return mainlinePin(request.folio().zone());
    }

    /** The unpatched kernel's longterm-pin decision for a folio in {@code zone}. */
    public static PinAction mainlinePin(ZoneType zone) {
        return zone == ZoneType.MOVABLE ? PinAction.MIGRATE_THEN_PIN : PinAction.PIN_IN_PLACE;
    }

    /** The __GFP_PRIVATE gate (numa_zone_alloc_allowed) shared by the flag designs. */
    static Verdict privateFlagGate(AllocRequest request) {
        return request.gfp().has(org.mmproto.api.Gfp.__GFP_PRIVATE) ? Verdict.ALLOW
                : Verdict.deny(org.mmproto.api.Errno.ENOMEM, "private zone skipped: mask lacks __GFP_PRIVATE");
    }

    /** A policy may name the node only if the driver opted into {@code flag}. */
    static Verdict policyNeeds(DriverAccess driver, org.mmproto.api.driver.NpOps flag) {
        return driver.has(flag) ? Verdict.ALLOW
                : Verdict.deny(org.mmproto.api.Errno.EINVAL, "node has no " + flag + " (mpol_set_nodemask)");
    }

    /**
     * A folio may move onto (ENODEV otherwise, as move_pages validates the node) or off (-ENOENT,
     * as for a ZONE_DEVICE folio) the node only if the driver opted into {@code flag}; null = it may.
     */
    static Verdict migrationNeeds(DriverAccess driver, org.mmproto.api.driver.NpOps flag, boolean onto) {
        if (driver.has(flag)) {
            return null;
        }
        return onto ? Verdict.deny(org.mmproto.api.Errno.ENODEV, "target node has no " + flag)
                : Verdict.deny(org.mmproto.api.Errno.ENOENT, "folio on a node without " + flag);
    }

    @Override
    public boolean writeProtected(DriverAccess driver) {
        return false;
    }

    /** Not reached while nothing is write-protected. */
    @Override
    public FaultAction writeFault(FaultRequest request, DriverAccess driver) {
        return FaultAction.PROMOTE;
    }
}
