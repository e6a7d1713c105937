package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.NodeZonelists;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code fallback-only}: the June 2026 "soft guarantee" (Balbir Singh thread and Gregory's reply,
 * RFC discussion §12): no GFP flag and no callbacks. Gregory dropped every FALLBACK entry of the
 * private node — from other nodes' lists and from its own — keeping only its NOFALLBACK list,
 * so only {@code __GFP_THISNODE} reaches it; set_mempolicy naming it is EINVAL, mbind is allowed.
 *
 * <p>Our readings ([I]): the node stays in N_MEMORY and in cpuset mems (the series "limits the
 * private node interface to just nodemask and fallback list controls"); a BIND policy whose
 * nodes are all private allocates with {@code __GFP_THISNODE} from its first node (the only way
 * an mbind'ed fault can reach a node with no FALLBACK entry), a mixed mask reaches only its
 * public nodes; everything else is mainline: folios move on and off freely, a longterm pin of a
 * ZONE_MOVABLE folio migrates it away first (the escape §11.4 warns about), khugepaged is
 * mainline (case 7, corrected [I]: 6.12 restricts the THP to the nodes holding most of the
 * pages, so a range wholly on the node gets no THP, ENOMEM, and a half-private one collapses onto
 * ordinary memory), frees are not reported and nothing is write-protected. Kernel THISNODE
 * allocations land on the node (case 1, the leak David's audit is about).
 * set_mempolicy_home_node is mainline (Site.HOME_NODE): the series limits itself to nodemask and
 * fallback-list controls; a BIND to private nodes starts its THISNODE walk from the home node
 * when the mask holds it, else from its first node.
 */
public final class FallbackOnly extends Unpatched {
    @Override
    public String name() {
        return "fallback-only";
    }

    @Override
    public String summary() {
        return "June soft guarantee: node in no FALLBACK list, only __GFP_THISNODE reaches it, nothing asked";
    }

    @Override
    public String source() {
        return "Balbir Singh / G. Price, May-June 2026 (ahOqzpzAua96HVkn .. aik_ddHymus2DJ6D)";
    }

    @Override
    public NodeZonelists zonelists(int nid) {
        return new NodeZonelists(false, false, true, false);
    }

    @Override
    public AllocContext userAllocation(UserAllocation r, DriverAccess driver) {
        AllocContext c = AllocContext.mainline(r.gfp());
        // faults and migration targets allocated by an mbind'ed policy alike (mbind MPOL_MF_MOVE)
        if (r.bind() && r.onlyPrivate()) {
            // from the home node when the policy's mask holds it, else from its first private node
            int start = r.policyNodes().contains(r.localNid()) ? r.localNid() : r.nid();
            return c.withGfp(r.gfp().or(Gfp.__GFP_THISNODE)).startingAt(start);
        }
        return c;
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        return site == Site.SET_MEMPOLICY
                ? Verdict.deny(Errno.EINVAL, "set_mempolicy may not name a private node (fallback-only)")
                : Verdict.ALLOW;
    }
}
