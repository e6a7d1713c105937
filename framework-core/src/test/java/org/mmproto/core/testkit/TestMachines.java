package org.mmproto.core.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;
import org.mmproto.core.machine.VmTunables;

/** Small machines built in code, for tests that must not depend on the file loader. */
public final class TestMachines {
    public static final long MiB = 1L << 20;
    public static final long GiB = 1L << 30;

    private TestMachines() {
    }

    public static NodeSpec node(int nid, long bytes, List<Integer> cpus) {
        return new NodeSpec(nid, bytes, cpus, false, 0, OptionalLong.empty(), 0);
    }

    /** A CPU-less private node in the CXL window at 64 GiB (so its memory is ZONE_NORMAL). */
    public static NodeSpec privateNode(int nid, long bytes) {
        return new NodeSpec(nid, bytes, List.of(), true, 0, OptionalLong.of(CXL_BASE), 0);
    }

    /** A CPU-less private node in the CXL window, onlined movable. */
    public static NodeSpec privateMovableNode(int nid, long bytes) {
        return new NodeSpec(nid, bytes, List.of(), true, bytes, OptionalLong.of(CXL_BASE), 0);
    }

    /** Two DRAM nodes and a private CXL node 2 onlined movable. */
    public static MachineSpec dramDramPrivateMovable(long dramBytes, long cxlBytes) {
        int[][] d = {{10, 20, 30}, {20, 10, 30}, {30, 30, 10}};
        return of("dram-dram-private-movable", d, node(0, dramBytes, List.of(0, 1)), node(1, dramBytes, List.of(2, 3)),
                privateMovableNode(2, cxlBytes));
    }

    /** A CPU-less node in the CXL window at 64 GiB, onlined movable like hot-plugged CXL memory. */
    public static NodeSpec movableNode(int nid, long bytes) {
        return new NodeSpec(nid, bytes, List.of(), false, bytes, OptionalLong.of(CXL_BASE), 0);
    }

    public static final long CXL_BASE = 64L << 30;

    public static MachineSpec of(String name, int[][] distance, NodeSpec... nodes) {
        return new MachineSpec(name, "test:" + name, List.of(nodes), distance, VmTunables.defaults());
    }

    public static MachineSpec of(String name, int[][] distance, VmTunables vm, NodeSpec... nodes) {
        return new MachineSpec(name, "test:" + name, List.of(nodes), distance, vm);
    }

    /** Default SLIT: 10 local, 20 remote. */
    public static int[][] slit(int n) {
        int[][] d = new int[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                d[i][j] = i == j ? 10 : 20;
            }
        }
        return d;
    }

    /** One node of {@code bytes} with two CPUs. */
    public static MachineSpec single(long bytes) {
        return of("single", slit(1), node(0, bytes, List.of(0, 1)));
    }

    /** Two DRAM nodes and one CPU-less CXL node; node 2 private when asked. */
    public static MachineSpec dramDramCxl(long dramBytes, long cxlBytes, boolean cxlPrivate) {
        int[][] d = {{10, 20, 30}, {20, 10, 30}, {30, 30, 10}};
        NodeSpec cxl = cxlPrivate ? privateNode(2, cxlBytes) : movableNode(2, cxlBytes);
        return of("dram-dram-cxl", d, node(0, dramBytes, List.of(0, 1)), node(1, dramBytes, List.of(2, 3)), cxl);
    }

    public static List<Integer> cpus(int... ids) {
        List<Integer> l = new ArrayList<>();
        for (int i : ids) {
            l.add(i);
        }
        return l;
    }
}
