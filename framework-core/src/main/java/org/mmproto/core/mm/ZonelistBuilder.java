package org.mmproto.core.mm;

import java.util.ArrayList;
import java.util.List;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.NodeZonelists;

/**
 * build_zonelists / find_next_best_node: each node's fallback order by SLIT distance, with the
 * kernel's tie-breaks (prefer higher-numbered nodes, prefer CPU-less nodes, round-robin load
 * among equidistant nodes). Where a node the machine marks private appears is the run's
 * design's answer ({@link PrivateNodeLayout}): mainline treats it as any N_MEMORY node; RFC v4
 * keeps it out of other lists and first in its own; fallback-only keeps it only in its
 * NOFALLBACK list; v5 puts it only in ZONELIST_PRIVATE, which holds every node with memory, a
 * private node's own list never reaching another private node.
 */
final class ZonelistBuilder {
    private static final int PENALTY_FOR_NODE_WITH_CPUS = 1;

    private ZonelistBuilder() {
    }

    static void buildAll(Node[] nodes, int[][] distance) {
        buildAll(nodes, distance, PrivateNodeLayout.MAINLINE);
    }

    static void buildAll(Node[] nodes, int[][] distance, PrivateNodeLayout layout) {
        int n = nodes.length;
        NodeZonelistsView zl = new NodeZonelistsView(nodes, layout);
        boolean anyPrivateList = false;
        boolean[] candidate = new boolean[n];
        for (Node c : nodes) {
            candidate[c.nid] = c.inNMemory() && (!c.isPrivate || zl.get(c.nid).inOtherFallbacks());
            anyPrivateList |= c.isPrivate && c.presentPages() > 0 && zl.get(c.nid).inPrivateZonelist();
        }
        // node_load persists across the whole build (it is reset once per rebuild).
        int[] nodeLoad = new int[n];
        for (Node local : nodes) {
            boolean ownFirst = !local.isPrivate || zl.get(local.nid).inOwnFallback();
            int[] order = nodeOrder(local, nodes, distance, nodeLoad, candidate, ownFirst && local.presentPages() > 0);
            local.fallbackOrder = order;
            local.zonelistFallback = zones(nodes, order);
            boolean thisNode = !local.isPrivate || zl.get(local.nid).inOwnNoFallback();
            local.zonelistNoFallback = thisNode ? zones(nodes, new int[] {local.nid}) : new Zone[0];
        }
        if (!anyPrivateList) {
            return;
        }
        int[] privateLoad = new int[n];
        for (Node local : nodes) {
            boolean[] cand = new boolean[n];
            for (Node c : nodes) {
                boolean listed = c.inNMemory() || c.isPrivate && c.presentPages() > 0 && zl.get(c.nid).inPrivateZonelist();
                // a private node's private list never reaches another private node
                cand[c.nid] = listed && (!local.isPrivate || !c.isPrivate);
            }
            boolean own = local.presentPages() > 0 && (!local.isPrivate || zl.get(local.nid).inPrivateZonelist());
            int[] order = nodeOrder(local, nodes, distance, privateLoad, cand, own);
            local.zonelistPrivate = zones(nodes, order);
            local.zonelistPrivateNoFallback = own ? zones(nodes, new int[] {local.nid}) : new Zone[0];
        }
    }

    /** The design's answers, asked once per private node. */
    private static final class NodeZonelistsView {
        private final NodeZonelists[] byNid;

        NodeZonelistsView(Node[] nodes, PrivateNodeLayout layout) {
            byNid = new NodeZonelists[nodes.length];
            for (Node c : nodes) {
                byNid[c.nid] = c.isPrivate ? layout.zonelists(c.nid) : NodeZonelists.MAINLINE;
            }
        }

        NodeZonelists get(int nid) {
            return byNid[nid];
        }
    }

    private static Zone[] zones(Node[] nodes, int[] order) {
        List<Zone> out = new ArrayList<>();
        for (int nid : order) {
            addZonesHighestFirst(nodes[nid], out);
        }
        return out.toArray(new Zone[0]);
    }

    private static void addZonesHighestFirst(Node n, List<Zone> out) {
        for (int t = n.zones.length - 1; t >= 0; t--) {
            if (n.zones[t].populated()) {
                out.add(n.zones[t]);
            }
        }
    }

    /** The local node first when {@code ownFirst}, then the candidates nearest first. */
    private static int[] nodeOrder(Node local, Node[] nodes, int[][] distance, int[] nodeLoad, boolean[] candidate,
                                   boolean ownFirst) {
        int localNid = local.nid;
        boolean[] used = new boolean[nodes.length];
        for (int i = 0; i < used.length; i++) {
            used[i] = !candidate[i];
        }
        List<Integer> order = new ArrayList<>();
        used[localNid] = true;
        if (ownFirst) {
            order.add(localNid);
        }
        int prev = localNid;
        int best;
        while ((best = findNextBestNode(localNid, used, nodes, distance, nodeLoad)) >= 0) {
            if (distance[localNid][best] != distance[localNid][prev]) {
                nodeLoad[best]++;
            }
            order.add(best);
            prev = best;
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    static int findNextBestNode(int node, boolean[] used, Node[] nodes, int[][] distance, int[] nodeLoad) {
        if (!used[node]) {
            used[node] = true;
            return node;
        }
        int minVal = Integer.MAX_VALUE;
        int bestNode = -1;
        for (Node cand : nodes) {
            int n = cand.nid;
            if (used[n]) {
                continue;
            }
            int val = distance[node][n];
            val += n < node ? 1 : 0;
            if (cand.hasCpus()) {
                val += PENALTY_FOR_NODE_WITH_CPUS;
            }
            val *= NodeMask.MAX_NUMNODES;
            val += nodeLoad[n];
            if (val < minVal) {
                minVal = val;
                bestNode = n;
            }
        }
        if (bestNode >= 0) {
            used[bestNode] = true;
        }
        return bestNode;
    }
}
