package org.mmproto.core.policy;

import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.driver.Site;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.task.Task;

/**
 * alloc_migration_target for the syscalls that name a node (move_pages, migrate_pages): the
 * destination is allocated on that node only, GFP_HIGHUSER_MOVABLE|__GFP_THISNODE (large folios:
 * reclaim bits dropped and GFP_TRANSHUGE added), with __GFP_COMP; the caller's cpuset applies.
 */
final class MigrationTargets {
    private MigrationTargets() {
    }

    static Migration.TargetAlloc thisNode(PolicyServices k, Task caller, int nid, MigrateReason reason) {
        int base = Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.THISNODE;
        return (src, order) -> {
            int gfp = base;
            if (order > 0) {
                gfp = (gfp & ~Gfp.Bits.RECLAIM) | Gfp.GFP_TRANSHUGE.bits();
            }
            gfp |= Gfp.Bits.COMP;
            var d = k.core().dispatcher();
            if (d != null && d.isPrivate(nid)) {
                // the design makes a private target's context (ops-struct: GFP_PRIVATE in migrate_to)
                var ctx = d.userAllocation(new UserAllocation(nid, Gfp.of(gfp), order,
                        Site.MIGRATE_TARGET, reason, null, false, false, caller.nid(), caller.ref()));
                if (ctx.taskScope()) {
                    d.taskScope(true);
                }
                try {
                    k.core().alloc().prepare(ctx.zonelist(), true, 1L << nid, reason);
                    return k.core().alloc().allocPages(ctx.gfp().bits(), order, nid, PolicyAlloc.cpuset(k, caller, null), caller.nid());
                } finally {
                    if (ctx.taskScope()) {
                        d.taskScope(false);
                    }
                }
            }
            return k.core().alloc().allocPages(gfp, order, nid, PolicyAlloc.cpuset(k, caller, null), caller.nid());
        };
    }
}
