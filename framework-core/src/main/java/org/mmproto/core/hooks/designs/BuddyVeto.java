package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.CollapsePlan;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.CollapseRequest;
import org.mmproto.api.driver.Requests.CompactionRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code buddy-veto}: David Hildenbrand's proposals (15 and 17 Apr 2026, RFC discussion
 * §11.4-5): the buddy allocator itself asks the driver before handing out pages of its node
 * ("I have free memory, but you cannot have it right now": ENOMEM) and tells it on every free
 * that reaches the buddy — every path, __free_pages included. Every non-movable (kernel)
 * allocation on the node is refused, even with {@code __GFP_THISNODE}. Longterm pins follow the
 * zone: ZONE_NORMAL pins in place, ZONE_MOVABLE is refused and the folio stays. khugepaged
 * allocates the collapsed THP on the node only ("teach those subsystems to use
 * __GFP_THISNODE"), so the veto can refuse it.
 *
 * <p>Our readings ([I]): the node stays ordinary in node states, zonelists and cpusets (the
 * proposal changes the allocator, not the topology), so every fallback that reaches its zones
 * meets the gate and the veto; policies and migration need no opt-in (David asks why they
 * should): a folio may leave, and one that arrives does so through a target allocation the veto
 * sees; demotion onto the node and compaction inside it are mainline, their allocations asking
 * the veto; no write protection (David treats allocation only). set_mempolicy_home_node is
 * mainline (Site.HOME_NODE): the proposal gates pages, not policies.
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
        return "D. Hildenbrand, 15 and 17 Apr 2026 (38cf52d1-32a8-462f-ac6a-8fad9d14c4f0@kernel.org, 46837cea-5d90-49d8-be67-7306e0e89aa3@kernel.org)";
    }

    @Override
    public Verdict alloc(AllocGate gate, DriverAccess driver) {
        return gate.request().movable() ? Verdict.ALLOW
                : Verdict.deny(Errno.ENOMEM, "non-movable allocations never land on a private node");
    }

    /** Asked once per allocation attempt on the node, after the watermark check, before rmqueue. */
    @Override
    public Verdict handout(AllocGate gate, DriverAccess driver) {
        return driver.allocVeto(gate.request());
    }

    @Override
    public FreeAction free(FreeEvent event, DriverAccess driver) {
        return driver.freeFolio(event);
    }

    @Override
    public boolean notifiesFree(FreePath path) {
        return true;
    }

    @Override
    public PinAction longtermPin(PinRequest request, DriverAccess driver) {
        return request.folio().zone() == ZoneType.MOVABLE ? PinAction.REFUSE : PinAction.PIN_IN_PLACE;
    }

    /**
     * Compaction inside the node takes its free pages through the free scanner, not the buddy's
     * rmqueue: the veto is asked there, once per pass, as for an allocation of movable memory
     * (our reading of "arrivals ask the veto", design-matrix case 8 [I]).
     */
    @Override
    public Verdict compactionTargets(CompactionRequest request, DriverAccess driver) {
        return driver.allocVeto(new AllocRequest(request.nid(), 0, Gfp.GFP_HIGHUSER_MOVABLE, request.nid(),
                TaskRef.KERNEL, true, MigrateReason.MR_COMPACTION));
    }

    @Override
    public CollapsePlan collapse(CollapseRequest request, DriverAccess driver) {
        return CollapsePlan.ON_NODE_ONLY;
    }
}
