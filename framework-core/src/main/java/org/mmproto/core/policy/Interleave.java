package org.mmproto.core.policy;

import org.mmproto.api.NodeMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Task;

/** The interleave node choices: by index (interleave_nid, weighted_interleave_nid) and round robin (interleave_nodes). */
final class Interleave {
    private Interleave() {
    }

    /** next_node_in: the next node of mask after n, wrapping; MAX_NUMNODES if the mask is empty. */
    static int nextNodeIn(int n, NodeMask mask) {
        int next = n + 1 >= NodeMask.MAX_NUMNODES ? -1 : mask.next(n);
        if (next < 0) {
            next = mask.first();
        }
        return next < 0 ? NodeMask.MAX_NUMNODES : next;
    }

    /** interleave_nid: the (ilx mod weight)-th node of the mask; the local node for an empty mask. */
    static int nid(MemPolicy pol, long ilx, int local) {
        NodeMask m = pol.nodes();
        int nnodes = m.weight();
        if (nnodes == 0) {
            return local;
        }
        long target = Long.remainderUnsigned(ilx, nnodes);
        int nid = m.first();
        for (long i = 0; i < target; i++) {
            nid = m.next(nid);
        }
        return nid;
    }

    /** weighted_interleave_nid: node n takes weight(n) consecutive indices. */
    static int weightedNid(InterleaveWeights w, MemPolicy pol, long ilx, int local) {
        NodeMask m = pol.nodes();
        if (m.isEmpty()) {
            return local;
        }
        long total = 0;
        for (int n = m.first(); n >= 0; n = m.next(n)) {
            total += w.weight(n);
        }
        long target = Long.remainderUnsigned(ilx, total);
        int nid = m.first();
        while (target > 0) {
            int weight = w.weight(nid);
            if (target < weight) {
                break;
            }
            target -= weight;
            nid = nextNodeIn(nid, m);
        }
        return nid;
    }

    /** interleave_nodes: the round robin of allocations without a VMA, through task->il_prev. */
    static int nextNode(Task t, MemPolicy pol) {
        int nid = nextNodeIn(t.ilPrev, pol.nodes());
        if (nid < NodeMask.MAX_NUMNODES) {
            t.ilPrev = nid;
            return nid;
        }
        return t.nid();
    }

    /** weighted_interleave_nodes: il_prev keeps the node until il_weight allocations were made there. */
    static int nextWeightedNode(InterleaveWeights w, Task t, MemPolicy pol) {
        int node = t.ilPrev;
        if (t.ilWeight == 0 || !pol.nodes().contains(node)) {
            node = nextNodeIn(node, pol.nodes());
            if (node == NodeMask.MAX_NUMNODES) {
                return t.nid();
            }
            t.ilPrev = node;
            t.ilWeight = w.weight(node);
        }
        t.ilWeight--;
        return node;
    }
}
