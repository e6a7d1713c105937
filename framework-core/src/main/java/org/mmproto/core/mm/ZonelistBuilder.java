package org.mmproto.core.mm;

import java.util.ArrayList;
import java.util.List;
import org.mmproto.api.NodeMask;

/**
 * build_zonelists / find_next_best_node: each node's fallback order by SLIT distance, with the
 * kernel's tie-breaks (prefer higher-numbered nodes, prefer CPU-less nodes, round-robin load
 * among equidistant nodes). Private nodes are not in N_MEMORY, so they appear in no other node's
 * list; a private node's own list is itself, then the ordinary nodes (RFC v4 patch 4).
 */
final class ZonelistBuilder {
    private static final int PENALTY_FOR_NODE_WITH_CPUS = 1;

    private ZonelistBuilder() {
    }

    static void buildAll(Node[] nodes, int[][] distance) {
        // node_load persists across the whole build (it is reset once per rebuild).
        int[] nodeLoad = new int[nodes.length];
        for (Node local : nodes) {
            int[] order = nodeOrder(local, nodes, distance, nodeLoad);
            local.fallbackOrder = order;
            List<Zone> fallback = new ArrayList<>();
            for (int nid : order) {
                addZonesHighestFirst(nodes[nid], fallback);
            }
            local.zonelistFallback = fallback.toArray(new Zone[0]);
            List<Zone> own = new ArrayList<>();
            addZonesHighestFirst(local, own);
            local.zonelistNoFallback = own.toArray(new Zone[0]);
        }
    }

    private static void addZonesHighestFirst(Node n, List<Zone> out) {
        for (int t = n.zones.length - 1; t >= 0; t--) {
            if (n.zones[t].populated()) {
                out.add(n.zones[t]);
            }
        }
    }

    private static int[] nodeOrder(Node local, Node[] nodes, int[][] distance, int[] nodeLoad) {
        int localNid = local.nid;
        boolean[] used = new boolean[nodes.length];
        List<Integer> order = new ArrayList<>();
        if (local.inNMemoryPrivate()) {
            used[localNid] = true;
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
        if (!used[node] && nodes[node].inNMemory()) {
            used[node] = true;
            return node;
        }
        int minVal = Integer.MAX_VALUE;
        int bestNode = -1;
        for (Node cand : nodes) {
            int n = cand.nid;
            if (!cand.inNMemory() || used[n]) {
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
