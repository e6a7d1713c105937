package org.mmproto.core.policy;

import org.mmproto.api.NodeMask;
import org.mmproto.core.mm.Node;
import org.mmproto.core.task.Kernel;

/**
 * The one place that decides which nodes user memory policy and user-requested migration may
 * name. Every syscall that validates a target node asks here: set_mempolicy and mbind AND their
 * mask with {@link #mask}, move_pages answers ENODEV for a node that is not {@link #allowed},
 * migrate_pages ANDs new_nodes with {@link #mask}.
 *
 * <p>Linux 6.12 accepts the nodes in {@code N_MEMORY}. A private node of the Private Memory Nodes
 * RFC is not in {@code N_MEMORY}, so by default it is neither a policy target nor a migration
 * target, and folios already on it are treated like ZONE_DEVICE folios by the page walks (see
 * {@link #folioVisible}). A later issue routes these questions through the run's design and the
 * node's driver (NP_OPS_MEMPOLICY / NP_OPS_MIGRATION in the RFC; the dispatcher already offers
 * {@code Dispatcher.policyTarget(nid, Site.SET_MEMPOLICY / Site.MBIND)} and
 * {@code Dispatcher.migrationTargetNode(nid)}); until then this class is the seam, and the
 * syscalls ask nothing else.
 */
public final class PolicyTargets {
    private PolicyTargets() {
    }

    /** May a memory policy or a user migration target node {@code nid}? ({@code N_MEMORY}). */
    public static boolean allowed(Kernel k, int nid) {
        if (nid < 0 || nid >= k.mem().nodeCount()) {
            return false;
        }
        return k.mem().node(nid).inNMemory();
    }

    /** Every node {@link #allowed} returns true for. */
    public static NodeMask mask(Kernel k) {
        NodeMask m = NodeMask.NONE;
        for (Node n : k.mem().nodes()) {
            if (allowed(k, n.nid())) {
                m = m.with(n.nid());
            }
        }
        return m;
    }

    /**
     * May the NUMA syscalls see and move a folio that sits on {@code nid}? False for private
     * nodes: move_pages reports such a folio as -ENOENT (like a ZONE_DEVICE folio, as the RFC's
     * selftests expect without NP_OPS_MIGRATION) and mbind/migrate_pages skip it.
     */
    public static boolean folioVisible(Kernel k, int nid) {
        return !k.mem().node(nid).isPrivate();
    }
}
