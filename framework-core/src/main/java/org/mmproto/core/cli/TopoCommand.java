package org.mmproto.core.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.mmproto.api.NodeMask;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.ProcFs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mmproto topo}: the machine as numactl and /proc/zoneinfo show it. */
@Command(name = "topo", mixinStandardHelpOptions = true,
        header = "Print the machine: numactl --hardware, node states, watermarks.",
        description = {
            "Print the machine: numactl --hardware (nodes, sizes, SLIT distances),",
            "node states, each node's zonelist fallback order (as the boot log prints",
            "it), then every zone with its pfn span, the watermarks and the lowmem",
            "protection the kernel computes, and the simulated memmap size.", ""})
final class TopoCommand implements Runnable {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MACHINE",
            description = "Machine file, bundled name, or numactl --hardware text (default: ${DEFAULT-VALUE}).",
            defaultValue = MachineLoading.DEFAULT)
    String machine;

    @Override
    public void run() {
        MachineSpec spec = MachineLoading.load(machine);
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        print(mem, System.out);
    }

    static void print(PhysicalMemory mem, PrintStream out) {
        MachineSpec spec = mem.spec();
        out.println("# machine " + spec.name() + " (" + spec.source() + ")");
        out.print(ProcFs.numactlHardware(mem));
        out.println();
        out.println("node states:");
        out.println("  online:            " + list(mem, Node::online));
        out.println("  has_cpu:           " + list(mem, Node::hasCpus));
        out.println("  has_normal_memory: " + list(mem, Node::inNNormalMemory));
        out.println("  has_memory:        " + list(mem, Node::inNMemory));
        out.println("  has_private_memory:" + (list(mem, Node::inNMemoryPrivate).isEmpty() ? "" : " ")
                + list(mem, Node::inNMemoryPrivate));
        out.println();
        for (Node n : mem.nodes()) {
            if (!n.online()) {
                continue;
            }
            StringBuilder sb = new StringBuilder("Fallback order for Node " + n.nid() + ": ");
            for (int nid : n.fallbackOrder()) {
                sb.append(nid).append(' ');
            }
            out.println(sb.toString().stripTrailing());
        }
        out.println();
        out.printf("min_free_kbytes: %d  watermark_scale_factor: %d%n", mem.minFreeKbytes(),
                spec.vm().watermarkScaleFactor());
        out.print(ProcFs.zoneWatermarks(mem));
        out.println();
        out.printf("simulated memmap: %.2f bytes per 4 KiB page (%d MiB for %d pages; struct page is 64)%n",
                mem.bytesPerPage(), mem.memmapBytes() >> 20, mem.totalManagedPages());
    }

    private static String list(PhysicalMemory mem, java.util.function.Predicate<Node> p) {
        List<Integer> ids = new ArrayList<>();
        for (Node n : mem.nodes()) {
            if (p.test(n)) {
                ids.add(n.nid());
            }
        }
        return NodeMask.formatList(ids.stream().mapToInt(Integer::intValue).toArray());
    }
}
