package org.mmproto.core.policy;

import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Site;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Task;

/**
 * set_mempolicy(mode, nodemask, maxnode): mode and flags (EINVAL), the mask copy-in (EINVAL,
 * EFAULT), mode against mask and the mask in context (EINVAL), then the task's policy is
 * replaced. A new (weighted) interleave policy restarts the task's round robin
 * (il_prev = MAX_NUMNODES - 1, il_weight = 0).
 */
public final class SetMempolicy {
    private final PolicyServices k;

    public SetMempolicy(PolicyServices k) {
        this.k = k;
    }

    public long call(Task t, int modeArg, UserMask nodemask, long maxnode) {
        MpolNew.ModeAndNodes in = MpolNew.modeAndNodes(modeArg, nodemask, maxnode);
        if (in.err() != 0) {
            return in.err();
        }
        MpolNew.Mode m = in.mode();
        MpolNew.Result r = PolicyTargets.newPolicy(k, m, in.nodes(), t.memsAllowed(), Site.SET_MEMPOLICY);
        if (r.err() != 0) {
            return r.err();
        }
        MemPolicy pol = r.policy();
        t.setPolicy(pol);
        if (pol != null && (pol.mode() == MemPolicy.MPOL_INTERLEAVE || pol.mode() == MemPolicy.MPOL_WEIGHTED_INTERLEAVE)) {
            t.ilPrev = NodeMask.MAX_NUMNODES - 1;
            t.ilWeight = 0;
        }
        return 0;
    }
}
