package org.mmproto.core.policy;

import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Node;
import org.mmproto.core.task.Kernel;

/**
 * The one place that decides which nodes user memory policy and user-requested migration may
 * name, and which folios the NUMA syscalls may move. Every syscall that validates a target node
 * asks here: set_mempolicy and mbind refuse a mask naming a private node the design refuses
 * ({@link #privateNodeError}) and AND the rest with {@link #mask}; move_pages answers ENODEV for
 * a node that is not {@link #allowed}; migrate_pages ANDs new_nodes with {@link #mask}.
 *
 * <p>Linux 6.12 accepts the nodes in {@code N_MEMORY}. A private node of the Private Memory Nodes
 * RFC is not in {@code N_MEMORY}; whether it may be named, and whether its folios may be moved,
 * is the run's design's decision, asked through the dispatcher (Site.SET_MEMPOLICY, Site.MBIND,
 * Site.MIGRATE_TARGET, Site.MIGRATE_SOURCE). Without a dispatcher (bare-checkpoint kernels) a
 * private node is never a target and its folios look like ZONE_DEVICE folios.
 */
public final class PolicyTargets {
    private PolicyTargets() {
    }

    private static boolean isPrivate(Kernel k, int nid) {
        return k.mem().node(nid).isPrivate();
    }

    /** May a user migration target node {@code nid}? N_MEMORY, or a private node the design accepts. */
    public static boolean allowed(Kernel k, int nid) {
        if (nid < 0 || nid >= k.mem().nodeCount()) {
            return false;
        }
        if (isPrivate(k, nid)) {
            Dispatcher d = k.dispatcher();
            return d != null && d.migrationTargetNode(nid).allowed();
        }
        return k.mem().node(nid).inNMemory();
    }

    /** Every node a user migration may target ({@link #allowed}). */
    public static NodeMask mask(Kernel k) {
        NodeMask m = NodeMask.NONE;
        for (Node n : k.mem().nodes()) {
            if (allowed(k, n.nid())) {
                m = m.with(n.nid());
            }
        }
        return m;
    }

    /** The nodes a policy set at {@code site} (SET_MEMPOLICY or MBIND) may name. */
    public static NodeMask mask(Kernel k, Site site) {
        NodeMask m = NodeMask.NONE;
        for (Node n : k.mem().nodes()) {
            int nid = n.nid();
            boolean ok = isPrivate(k, nid) ? k.dispatcher() != null && k.dispatcher().policyTarget(nid, site).allowed()
                    : n.inNMemory();
            if (ok) {
                m = m.with(nid);
            }
        }
        return m;
    }

    /**
     * mpol_set_nodemask with private nodes (RFC patch 13): a mask naming a private node the
     * design refuses at {@code site} is refused as a whole; returns that errno, or null.
     */
    public static Errno privateNodeError(Kernel k, NodeMask userNodes, Site site) {
        for (int nid = userNodes.first(); nid >= 0 && nid < k.mem().nodeCount(); nid = userNodes.next(nid)) {
            if (isPrivate(k, nid)) {
                Dispatcher d = k.dispatcher();
                if (d == null) {
                    return Errno.EINVAL;
                }
                Verdict v = d.policyTarget(nid, site);
                if (!v.allowed()) {
                    return Dispatcher.errnoOf(v, Errno.EINVAL);
                }
            }
        }
        return null;
    }

    /**
     * mpol_new for a policy set at {@code site}: refuses a mask naming a private node the design
     * refuses, then builds the policy over the nodes the site may name.
     */
    static MpolNew.Result newPolicy(Kernel k, MpolNew.Mode m, NodeMask nodes, NodeMask mems, Site site) {
        Errno priv = privateNodeError(k, nodes, site);
        if (priv != null) {
            return MpolNew.Result.error(priv);
        }
        return MpolNew.create(m.mode(), m.flags(), nodes, mems, mask(k, site));
    }

    /**
     * May the NUMA syscalls see and move the folio {@code head} on {@code nid}? Always for
     * ordinary nodes; for a private node, when the design lets folios leave it (ops-struct:
     * NP_OPS_MIGRATION) — else move_pages reports -ENOENT, like a ZONE_DEVICE folio, and
     * mbind/migrate_pages skip it.
     */
    public static boolean folioVisible(Kernel k, long head, int nid) {
        if (!isPrivate(k, nid)) {
            return true;
        }
        Dispatcher d = k.dispatcher();
        return d != null && d.mayLeave(head);
    }
}
