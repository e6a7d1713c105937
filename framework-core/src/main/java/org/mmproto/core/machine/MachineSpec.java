package org.mmproto.core.machine;

import java.util.List;

/**
 * A validated machine description: nodes in nid order, the SLIT distance matrix
 * ({@code distance[from][to]}, 10 = local; asymmetric tables are legal), and the vm tunables.
 *
 * @param name     a label for reports
 * @param source   where it came from (file path, "bundled:default", "numactl --hardware text")
 * @param nodes    nodes with nids 0..n-1, index = nid; a nid the machine lacks (sparse numactl
 *                 ids) is a node with neither memory nor cpus, not {@link NodeSpec#online()}
 * @param distance n x n matrix
 */
public record MachineSpec(String name, String source, List<NodeSpec> nodes, int[][] distance,
                          VmTunables vm) {
    public MachineSpec {
        nodes = List.copyOf(nodes);
        int[][] d = new int[distance.length][];
        for (int i = 0; i < d.length; i++) {
            d[i] = distance[i].clone();
        }
        distance = d;
    }

    public int nodeCount() {
        return nodes.size();
    }

    public int distance(int from, int to) {
        return distance[from][to];
    }

    @Override
    public int[][] distance() {
        int[][] d = new int[distance.length][];
        for (int i = 0; i < d.length; i++) {
            d[i] = distance[i].clone();
        }
        return d;
    }
}
