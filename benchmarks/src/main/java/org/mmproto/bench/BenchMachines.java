package org.mmproto.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;
import org.mmproto.core.machine.VmTunables;

/** Machines built in code for the benchmarks (no machine files, no YAML parsing). */
final class BenchMachines {
    static final long MiB = 1L << 20;
    static final long GiB = 1L << 30;
    static final long TiB = 1L << 40;

    private BenchMachines() {
    }

    /**
     * {@code nodes} equal DRAM nodes of {@code totalBytes / nodes} each, two CPUs per node,
     * SLIT 10 local / 20 remote, default vm tunables. Node 0 holds ZONE_DMA and ZONE_DMA32; the
     * rest of every node is ZONE_NORMAL.
     */
    static MachineSpec equalNodes(String name, long totalBytes, int nodes) {
        long per = totalBytes / nodes;
        if (per % (4 * MiB) != 0) {
            throw new IllegalArgumentException("node size " + per + " is not a multiple of 4 MiB");
        }
        List<NodeSpec> list = new ArrayList<>();
        int[][] slit = new int[nodes][nodes];
        for (int i = 0; i < nodes; i++) {
            list.add(new NodeSpec(i, per, List.of(2 * i, 2 * i + 1), false, 0, OptionalLong.empty(), 0));
            for (int j = 0; j < nodes; j++) {
                slit[i][j] = i == j ? 10 : 20;
            }
        }
        return new MachineSpec(name, "bench:" + name, list, slit, VmTunables.defaults());
    }

    static String human(long bytes) {
        if (bytes >= TiB && bytes % TiB == 0) {
            return (bytes / TiB) + " TiB";
        }
        if (bytes >= GiB && bytes % GiB == 0) {
            return (bytes / GiB) + " GiB";
        }
        return String.format("%.1f GiB", bytes / (double) GiB);
    }
}
