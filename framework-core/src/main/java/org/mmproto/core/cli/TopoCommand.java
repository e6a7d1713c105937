package org.mmproto.core.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.Design;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.PrivateNodeLayout;
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
            "protection the kernel computes, and the simulated memmap size.",
            "Where a node marked private sits (node states, zonelists) is a design's",
            "decision: --design picks it (unpatched shows mainline, where it is",
            "ordinary memory).", ""})
final class TopoCommand implements Runnable {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MACHINE",
            description = "Machine file, bundled name, or numactl --hardware text (default: ${DEFAULT-VALUE}).",
            defaultValue = MachineLoading.DEFAULT)
    String machine;

    @picocli.CommandLine.Option(names = "--design", paramLabel = "NAME", defaultValue = "ops-struct",
            description = {"Built-in design placing the private nodes", "(default: ${DEFAULT-VALUE})."})
    String design;

    @Override
    public void run() {
        MachineSpec spec = MachineLoading.load(machine);
        var d = BuiltInDesigns.all().stream().filter(x -> x.name().equals(design))
                .findFirst().orElseThrow(() -> new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this), "unknown design '" + design + "'; built-in designs: "
                        + String.join(", ", BuiltInDesigns.all().stream()
                                .map(Design::name).toList())));
        PhysicalMemory mem = PhysicalMemory.boot(spec, PrivateNodeLayout.of(d));
        print(mem, System.out);
        if (spec.nodes().stream().anyMatch(n -> n.isPrivate())) {
            System.out.println("(private nodes placed as the " + design + " design places them; --design unpatched for mainline)");
        }
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

    private static String list(PhysicalMemory mem, Predicate<Node> p) {
        List<Integer> ids = new ArrayList<>();
        for (Node n : mem.nodes()) {
            if (p.test(n)) {
                ids.add(n.nid());
            }
        }
        return NodeMask.formatList(ids.stream().mapToInt(Integer::intValue).toArray());
    }
}
