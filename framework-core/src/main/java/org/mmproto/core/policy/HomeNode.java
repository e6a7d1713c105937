package org.mmproto.core.policy;

import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.api.design.HomeNodeRequest;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/**
 * set_mempolicy_home_node(start, len, home_node, flags) (Linux 5.17+, no man page in 6.03).
 * EINVAL: start not page aligned, flags not 0, home_node ≥ MAX_NUMNODES or not online, start +
 * len wrapping; len 0 succeeds. Then for each VMA of the range that has a VMA policy
 * ({@code vm_policy}; VMAs without one are skipped): a mode other than BIND or PREFERRED_MANY
 * stops with EOPNOTSUPP (VMAs already updated keep their home node), otherwise a copy of the policy
 * with the home node replaces it within the range. No VMA with a policy: ENOENT. The home node
 * need not be in the policy's mask (checked on realkernel 6.12). A private home node is the
 * design's decision (Site.HOME_NODE). At allocation time policy_nodemask makes the home node the
 * start of the zonelist walk of a BIND or PREFERRED_MANY policy, inside the mask or not
 * ({@link PolicyAlloc}).
 */
public final class HomeNode {
    private final PolicyServices k;

    public HomeNode(PolicyServices k) {
        this.k = k;
    }

    /**
     * Site.HOME_NODE: a private home node is decided once per call, after the argument checks
     * and before any VMA is touched (v5 gates set_mempolicy_home_node on USER_NUMA there); null =
     * accepted. Without a dispatcher the node is ordinary memory, as in mainline.
     */
    private Errno privateHomeNode(Task t, int nid, long start, long len) {
        Dispatcher d = k.core().dispatcher();
        if (d == null || !d.isPrivate(nid)) {
            return null;
        }
        Verdict v = d.homeNode(new HomeNodeRequest(nid, start, len, t.ref()));
        return v.allowed() ? null : Dispatcher.errnoOf(v, Errno.EINVAL);
    }

    public long call(Task t, long start, long len, long homeNode, long flags) {
        if ((start & (Mm.PAGE_SIZE - 1)) != 0) {
            return -Errno.EINVAL.code();
        }
        if (flags != 0) {
            return -Errno.EINVAL.code();
        }
        if (Long.compareUnsigned(homeNode, NodeMask.MAX_NUMNODES) >= 0 || homeNode >= k.core().mem().nodeCount()) {
            return -Errno.EINVAL.code();
        }
        Errno refused = privateHomeNode(t, (int) homeNode, start, len);
        if (refused != null) {
            return -refused.code();
        }
        len = (len + Mm.PAGE_SIZE - 1) & -Mm.PAGE_SIZE;
        long end = start + len;
        if (Long.compareUnsigned(end, start) < 0) {
            return -Errno.EINVAL.code();
        }
        if (end == start) {
            return 0;
        }
        Mm mm = t.mm();
        if (mm == null) {
            return -Errno.EINVAL.code();
        }
        long err = -Errno.ENOENT.code();
        for (Vma vma : mm.intersecting(start, end)) {
            MemPolicy old = vma.policy();
            if (old == null) {
                continue;
            }
            if (old.mode() != MemPolicy.MPOL_BIND && old.mode() != MemPolicy.MPOL_PREFERRED_MANY) {
                return -Errno.EOPNOTSUPP.code();
            }
            VmaPolicy.mbindRange(mm, vma, start, end, old.withHomeNode((int) homeNode));
            err = 0;
        }
        return err;
    }
}
