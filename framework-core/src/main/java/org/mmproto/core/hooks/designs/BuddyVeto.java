package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Verdict;

/**
 * {@code buddy-veto}: David Hildenbrand's proposals (15 and 17 Apr 2026, private-nodes-rfc.md
 * §11.4-5): the buddy allocator itself asks the driver before handing out pages of its node
 * ("free, but you cannot have them right now": ENOMEM) and tells it on every free that reaches
 * the buddy — every path, __free_pages included. Every non-movable (kernel) allocation on the
 * node is refused, even with {@code __GFP_THISNODE}. Longterm pins follow the zone: ZONE_NORMAL
 * pins in place, ZONE_MOVABLE is refused and the folio stays (no escape). Policies and
 * migration need no opt-in ([I]: David asks why they should): a folio may leave, and one that
 * arrives does so through an allocation the veto already saw. No write protection ([I]: David
 * treats allocation only).
 */
public final class BuddyVeto extends Unpatched {
    @Override
    public String name() {
        return "buddy-veto";
    }

    @Override
    public String summary() {
        return "David's proposal: the buddy asks the driver before handing out pages, tells it on every free";
    }

    @Override
    public String source() {
        return "D. Hildenbrand, 15 and 17 Apr 2026 (38cf52d1-..., 46837cea-...)";
    }

    @Override
    public boolean notifiesFree(org.mmproto.api.FreePath path) {
        return true;
    }

    @Override
    public Verdict alloc(AllocRequest request, DriverAccess driver) {
        if (!request.movable()) {
            return Verdict.deny(Errno.ENOMEM, "non-movable allocations never land on a private node");
        }
        return driver.allocVeto(request);
    }

    @Override
    public FreeAction free(FreeEvent event, DriverAccess driver) {
        return driver.freeFolio(event);
    }

    @Override
    public PinAction longtermPin(PinRequest request, DriverAccess driver) {
        return request.folio().zone() == ZoneType.MOVABLE ? PinAction.REFUSE : PinAction.PIN_IN_PLACE;
    }
}
