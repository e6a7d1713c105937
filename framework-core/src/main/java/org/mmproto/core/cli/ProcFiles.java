package org.mmproto.core.cli;

import java.io.PrintStream;
import java.util.List;
import org.mmproto.core.config.Suggestions;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.ProcFs;

/** Prints the /proc and /sys files a command was asked for, each under a "# path" header. */
final class ProcFiles {
    static final List<String> NAMES = List.of("vmstat", "buddyinfo", "pagetypeinfo", "zoneinfo", "meminfo", "numastat");

    private ProcFiles() {
    }

    /** Rejects an unknown name before a command runs (not after a long run, at printing). */
    static void check(List<String> which) {
        for (String w : which) {
            if (!NAMES.contains(w.strip())) {
                throw new IllegalArgumentException("unknown --proc file '" + w + "'"
                        + Suggestions.didYouMean(w.strip(), NAMES)
                        + "; expected one of " + String.join(", ", NAMES));
            }
        }
    }

    static void print(PhysicalMemory mem, List<String> which, PrintStream out) {
        check(which);
        for (String w : which) {
            switch (w.strip()) {
                case "vmstat" -> section(out, "/proc/vmstat", ProcFs.vmstat(mem));
                case "buddyinfo" -> section(out, "/proc/buddyinfo", ProcFs.buddyinfo(mem));
                case "pagetypeinfo" -> section(out, "/proc/pagetypeinfo", ProcFs.pagetypeinfo(mem));
                case "zoneinfo" -> section(out, "/proc/zoneinfo (watermarks)", ProcFs.zoneWatermarks(mem));
                case "meminfo" -> {
                    for (Node n : online(mem)) {
                        section(out, "/sys/devices/system/node/node" + n.nid() + "/meminfo", ProcFs.nodeMeminfo(mem, n.nid()));
                    }
                }
                case "numastat" -> {
                    for (Node n : online(mem)) {
                        section(out, "/sys/devices/system/node/node" + n.nid() + "/numastat", ProcFs.numastat(mem, n.nid()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown --proc file '" + w + "'; expected one of " + NAMES);
            }
        }
    }

    /** /sys/devices/system/node has a directory per online node only. */
    private static List<Node> online(PhysicalMemory mem) {
        return mem.nodes().stream().filter(Node::online).toList();
    }

    private static void section(PrintStream out, String path, String text) {
        out.println("# " + path);
        out.print(text);
    }
}
