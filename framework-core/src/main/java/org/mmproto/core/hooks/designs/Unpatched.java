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
abstract class Unpatched implements Design {
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
        return request.folio().zone() == ZoneType.MOVABLE ? PinAction.MIGRATE_THEN_PIN : PinAction.PIN_IN_PLACE;
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
