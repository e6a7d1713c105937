package org.mmproto.core.policy;

import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Node;

/**
 * The one place that decides which nodes user memory policy and user-requested migration may
 * name, and which folios the NUMA syscalls may move. Linux 6.12 accepts the nodes in
 * {@code N_MEMORY}; for a node the machine marks private the run's design decides, asked through
 * the dispatcher once per private node the call names (Site.SET_MEMPOLICY, Site.MBIND,
 * Site.MIGRATE_NODE) and once per folio it would move (Site.MIGRATE_SOURCE) — never for a node
 * the call does not name. Without a dispatcher (bare-checkpoint kernels) a private node is never
 * a target and its folios look like ZONE_DEVICE folios.
 */
public final class PolicyTargets {
    private PolicyTargets() {
    }

    private static boolean isPrivate(PolicyServices k, int nid) {
        return k.core().mem().node(nid).isPrivate();
    }

    /** May a user migration target node {@code nid} (move_pages' node check)? */
    public static boolean allowed(PolicyServices k, int nid) {
        if (nid < 0 || nid >= k.core().mem().nodeCount()) {
            return false;
        }
        if (isPrivate(k, nid)) {
            Dispatcher d = k.core().dispatcher();
            return d != null && d.policyTarget(nid, Site.MIGRATE_NODE).allowed();
        }
        return k.core().mem().node(nid).inNMemory();
    }

    /**
     * The nodes of {@code named} a user migration may target: N_MEMORY, plus each private node
     * named that the design accepts (migrate_pages' new_nodes).
     */
    public static NodeMask mask(PolicyServices k, NodeMask named) {
        NodeMask m = NodeMask.NONE;
        for (Node n : k.core().mem().nodes()) {
            int nid = n.nid();
            if (isPrivate(k, nid) ? named.contains(nid) && allowed(k, nid) : n.inNMemory()) {
                m = m.with(nid);
            }
        }
        return m;
    }

    /** The outcome of validating a policy's nodemask at {@code site}. */
    record Validated(Errno error, NodeMask allowed) {
    }

    /**
     * mpol_set_nodemask with private nodes: each private node the user mask names is decided once;
     * a refusal refuses the whole mask with its errno; otherwise the policy may use N_MEMORY plus
     * the accepted private nodes.
     */
    static Validated validate(PolicyServices k, NodeMask userNodes, Site site) {
        NodeMask m = NodeMask.NONE;
        for (Node n : k.core().mem().nodes()) {
            if (!isPrivate(k, n.nid()) && n.inNMemory()) {
                m = m.with(n.nid());
            }
        }
        for (int nid = userNodes.first(); nid >= 0 && nid < k.core().mem().nodeCount(); nid = userNodes.next(nid)) {
            if (!isPrivate(k, nid)) {
                continue;
            }
            Dispatcher d = k.core().dispatcher();
            if (d == null) {
                return new Validated(Errno.EINVAL, m);
            }
            Verdict v = d.policyTarget(nid, site);
            if (!v.allowed()) {
                return new Validated(Dispatcher.errnoOf(v, Errno.EINVAL), m);
            }
            m = m.with(nid);
        }
        return new Validated(null, m);
    }

    /**
     * mpol_new for a policy set at {@code site}: refuses a mask naming a private node the design
     * refuses, then builds the policy over the nodes the site may name.
     */
    static MpolNew.Result newPolicy(PolicyServices k, MpolNew.Mode m, NodeMask nodes, NodeMask mems, Site site) {
        Validated v = validate(k, nodes, site);
        if (v.error() != null) {
            return MpolNew.Result.error(v.error());
        }
        return MpolNew.create(m.mode(), m.flags(), nodes, mems, v.allowed());
    }

    /**
     * May the NUMA syscalls see and move the folio {@code head} on {@code nid}? Always for
     * ordinary nodes; for a private node, when the design lets folios leave it (ops-struct:
     * NP_OPS_MIGRATION) — else move_pages reports -ENOENT, like a ZONE_DEVICE folio, and
     * mbind/migrate_pages skip it. One Site.MIGRATE_SOURCE decision: the migration that follows
     * does not ask again.
     */
    public static boolean folioVisible(PolicyServices k, long head, int nid) {
        return folioVisible(k, head, nid, -1);
    }

    /** As above for a move to node {@code to} (-1: a query, or a target the policy picks later). */
    public static boolean folioVisible(PolicyServices k, long head, int nid, int to) {
        if (!isPrivate(k, nid)) {
            return true;
        }
        Dispatcher d = k.core().dispatcher();
        return d != null && d.migrateOff(head, to, MigrateReason.MR_SYSCALL).allowed();
    }
}
