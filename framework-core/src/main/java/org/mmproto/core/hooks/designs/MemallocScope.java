package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code memalloc-scope}: David's 10 Jun 2026 idea and Gregory's MEMALLOC_PRIVATE reply
 * (private-nodes-rfc.md §11.7): instead of a GFP flag, a task-scoped context (save/restore
 * around the private fault path, like memalloc_nofs_save) lets allocations reach private nodes;
 * the page allocator refuses them outside a scope. The engine opens the scope for a user fault
 * under a policy that names a private node. Our readings ([I]): set_mempolicy naming the node
 * is EINVAL (only mbind'ed VMAs run the private fault path), migrations are not in scope so a
 * folio arriving by move_pages fails with ENOMEM (its target allocation is refused) while
 * leaving is allowed, longterm pins and
 * frees are mainline (ZONE_MOVABLE migrates away; nothing is notified), no write protection.
 */
public final class MemallocScope extends Unpatched {
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
        return "D. Hildenbrand / G. Price, 10 Jun 2026 (d01fb1ed-..., ainioCiFo0vI9ohY)";
    }

    @Override
    public Verdict alloc(AllocRequest request, DriverAccess driver) {
        return request.privateFaultPath() ? Verdict.ALLOW
                : Verdict.deny(Errno.ENOMEM, "outside a MEMALLOC_PRIVATE scope");
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        return site == Site.MBIND ? Verdict.ALLOW
                : Verdict.deny(Errno.EINVAL, "only mbind'ed ranges run the private fault path");
    }
}
