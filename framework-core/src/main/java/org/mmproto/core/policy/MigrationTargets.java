package org.mmproto.core.policy;

import org.mmproto.api.Gfp;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.task.Kernel;
import org.mmproto.core.task.Task;

/**
 * alloc_migration_target for the syscalls that name a node (move_pages, migrate_pages): the
 * destination is allocated on that node only, GFP_HIGHUSER_MOVABLE|__GFP_THISNODE (large folios:
 * reclaim bits dropped and GFP_TRANSHUGE added), with __GFP_COMP; the caller's cpuset applies.
 */
final class MigrationTargets {
    private MigrationTargets() {
    }

    static Migration.TargetAlloc thisNode(Kernel k, Task caller, int nid) {
        int base = Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.THISNODE;
        return (src, order) -> {
            int gfp = base;
            if (order > 0) {
                gfp = (gfp & ~Gfp.Bits.RECLAIM) | Gfp.GFP_TRANSHUGE.bits();
            }
            if (k.dispatcher() != null) {
                // a private target gets the design's mask (ops-struct: GFP_PRIVATE in migrate_to)
                gfp = k.dispatcher().userAllocationGfp(gfp, org.mmproto.api.driver.Site.MIGRATE_TARGET, nid);
            }
            return k.alloc().allocPages(gfp | Gfp.Bits.COMP, order, nid, PolicyAlloc.cpuset(k, caller, null), caller.nid());
        };
    }
}
