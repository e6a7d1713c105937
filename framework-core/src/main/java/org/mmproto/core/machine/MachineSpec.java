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
 * @param tiering  abstract distances, demotion and NUMA balancing (memory tiering)
 */
public record MachineSpec(String name, String source, List<NodeSpec> nodes, int[][] distance,
                          VmTunables vm, TieringSpec tiering) {
    /** A machine with tiering at its defaults. */
    public MachineSpec(String name, String source, List<NodeSpec> nodes, int[][] distance, VmTunables vm) {
        this(name, source, nodes, distance, vm, TieringSpec.defaults(nodes.size()));
    }

    public MachineSpec {
        nodes = List.copyOf(nodes);
        if (tiering == null) {
            tiering = TieringSpec.defaults(nodes.size());
        }
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
