package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code memalloc-scope}: David's 10 Jun 2026 idea and Gregory's MEMALLOC_PRIVATE reply (RFC
 * discussion §11.7): instead of a GFP flag, a task-scoped context (save/restore around the
 * private fault path, like memalloc_nofs_save) lets allocations reach private nodes; the page
 * allocator refuses them outside a scope. Built on the v4 node states, zonelists and cpuset
 * handling, which Gregory's 12 Jun preview keeps. Babka's objection (15 Jun), the reason the
 * scope was dropped: an allocation nested inside the allocator, or an interrupt, made while the
 * scope is open inherits it (matrix case 13: it lands on the node — a leak).
 *
 * <p>Our readings ([I]): the scope is opened for a user fault under a policy that names a
 * private node and for the reclaim path's demotion target (so demotion lands on the node);
 * set_mempolicy naming the node is EINVAL (only mbind'ed ranges run the private fault path);
 * migrations are not in scope, so a folio arriving by move_pages fails with ENOMEM (its target
 * allocation is refused) while leaving is allowed; longterm pins, khugepaged and frees are
 * mainline (ZONE_MOVABLE pins migrate away; a collapse allocates outside the scope: refused on
 * the node, so a range wholly there gets no THP, ENOMEM, and a half-private one falls to ordinary
 * memory — case 7's [I] corrected for 6.12's nodemask; nothing is notified); no write protection.
 * set_mempolicy_home_node is mainline (Site.HOME_NODE): neither mail touches it, and a home
 * node only moves the start of a walk the scope already governs.
 */
public final class MemallocScope extends RfcV4Nodes {
    @Override
    public String name() {
        return "memalloc-scope";
    }

    @Override
    public String summary() {
        return "June idea: a MEMALLOC_PRIVATE task scope around the private fault path instead of a GFP flag";
    }

    @Override
    public String source() {
        return "D. Hildenbrand / G. Price, 10 Jun 2026 (d01fb1ed-2418-42ee-aea2-37f9a5c5729c@kernel.org; reply ainioCiFo0vI9ohY)";
    }

    @Override
    public AllocContext userAllocation(UserAllocation r, DriverAccess driver) {
        AllocContext c = bindStartsInMask(r, AllocContext.mainline(r.gfp()));
        return r.fault() || r.reason() == MigrateReason.MR_DEMOTION ? c.scoped() : c;
    }

    @Override
    public Verdict alloc(AllocGate gate, DriverAccess driver) {
        return gate.taskScope() ? Verdict.ALLOW : Verdict.deny(Errno.ENOMEM, "outside a MEMALLOC_PRIVATE scope");
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        return site == Site.SET_MEMPOLICY
                ? Verdict.deny(Errno.EINVAL, "only mbind'ed ranges run the private fault path")
                : Verdict.ALLOW;
    }
}
