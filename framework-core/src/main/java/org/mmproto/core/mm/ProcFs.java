package org.mmproto.core.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mmproto.api.MigrateType;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.core.stats.VmStat;

/**
 * The text a kernel developer reads, in the kernel's own formats: /proc/buddyinfo,
 * /proc/pagetypeinfo, /proc/vmstat, /proc/zoneinfo watermark lines, per-node meminfo, and
 * {@code numactl --hardware}.
 */
public final class ProcFs {
    private ProcFs() {
    }

    /** /proc/buddyinfo (frag_show_print): one line per populated zone of every node. */
    public static String buddyinfo(PhysicalMemory mem) {
        StringBuilder sb = new StringBuilder();
        for (Node n : mem.nodes) {
            for (Zone z : n.zones) {
                if (!z.populated()) {
                    continue;
                }
                sb.append(String.format("Node %d, zone %8s ", n.nid, z.type.procName()));
                for (int o = 0; o < Zone.NR_PAGE_ORDERS; o++) {
                    sb.append(String.format("%6d ", z.nrFree[o]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** /proc/pagetypeinfo for every N_MEMORY node (pagetypeinfo_show skips the others). */
    public static String pagetypeinfo(PhysicalMemory mem) {
        StringBuilder sb = new StringBuilder();
        for (Node n : mem.nodes) {
            if (!n.inNMemory()) {
                continue;
            }
            sb.append("Page block order: ").append(Zone.PAGEBLOCK_ORDER).append('\n');
            sb.append("Pages per block:  ").append(Zone.PAGEBLOCK_NR_PAGES).append('\n');
            sb.append('\n');
            sb.append(String.format("%-43s ", "Free pages count per migrate type at order"));
            for (int o = 0; o < Zone.NR_PAGE_ORDERS; o++) {
                sb.append(String.format("%6d ", o));
            }
            sb.append('\n');
            for (Zone z : n.zones) {
                if (!z.populated()) {
                    continue;
                }
                for (int mt = 0; mt < MigrateType.MIGRATE_TYPES; mt++) {
                    sb.append(String.format("Node %4d, zone %8s, type %12s ", n.nid, z.type.procName(),
                            MigrateType.of(mt).procName()));
                    for (int o = 0; o < Zone.NR_PAGE_ORDERS; o++) {
                        long c = z.nrFree(o, mt);
                        sb.append(c >= 100000 ? ">" + String.format("%6d ", 100000) : String.format("%6d ", c));
                    }
                    sb.append('\n');
                }
            }
            sb.append('\n').append(String.format("%-23s", "Number of blocks type "));
            for (int mt = 0; mt < MigrateType.MIGRATE_TYPES; mt++) {
                sb.append(String.format("%12s ", MigrateType.of(mt).procName()));
            }
            sb.append('\n');
            for (Zone z : n.zones) {
                if (!z.populated()) {
                    continue;
                }
                sb.append(String.format("Node %d, zone %8s ", n.nid, z.type.procName()));
                for (int mt = 0; mt < MigrateType.MIGRATE_TYPES; mt++) {
                    sb.append(String.format("%12d ", z.pageblocksOfType(mt)));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** /proc/vmstat: nr_free_pages, then the NUMA and vm event items the engine maintains. */
    public static String vmstat(PhysicalMemory mem) {
        StringBuilder sb = new StringBuilder();
        sb.append("nr_free_pages ").append(mem.totalFreePages()).append('\n');
        for (VmStat item : VmStat.values()) {
            sb.append(item.key()).append(' ').append(mem.vmstat(item)).append('\n');
        }
        return sb.toString();
    }

    /**
     * /proc/meminfo, the lines the engine can fill, in the kernel's order: MemTotal, MemFree, the
     * swap device (SwapTotal, SwapFree: total_swap_pages, get_nr_swap_pages), PageTables
     * (NR_PAGETABLE), the overcommit accounting (CommitLimit = vm_commit_limit, Committed_AS =
     * vm_committed_as), given in pages, and AnonHugePages (NR_ANON_THPS).
     */
    public static String meminfo(PhysicalMemory mem, SwapSpace swap, long commitLimitPages, long committedPages) {
        return String.format("MemTotal:       %8d kB%n", mem.totalManagedPages() * 4)
                + String.format("MemFree:        %8d kB%n", mem.totalFreePages() * 4)
                + String.format("SwapTotal:      %8d kB%n", swap.totalPages() * 4)
                + String.format("SwapFree:       %8d kB%n", swap.freePages() * 4)
                + String.format("PageTables:     %8d kB%n", mem.vmstat(VmStat.NR_PAGE_TABLE_PAGES) * 4)
                + String.format("CommitLimit:    %8d kB%n", commitLimitPages * 4)
                + String.format("Committed_AS:   %8d kB%n", committedPages * 4)
                + String.format("AnonHugePages:  %8d kB%n", mem.vmstat(VmStat.NR_ANON_TRANSPARENT_HUGEPAGES) * 2048);
    }

    /** /sys/devices/system/node/nodeN/meminfo, the lines the engine can fill. */
    public static String nodeMeminfo(PhysicalMemory mem, int nid) {
        Node n = mem.nodes[nid];
        long total = n.managedPages() * 4;
        long free = n.freePages() * 4;
        return String.format("Node %d MemTotal:       %8d kB%n", nid, total)
                + String.format("Node %d MemFree:        %8d kB%n", nid, free)
                + String.format("Node %d MemUsed:        %8d kB%n", nid, total - free)
                + String.format("Node %d PageTables:     %8d kB%n", nid, n.vmstat(VmStat.NR_PAGE_TABLE_PAGES) * 4)
                + String.format("Node %d AnonHugePages:  %8d kB%n", nid, n.vmstat(VmStat.NR_ANON_TRANSPARENT_HUGEPAGES) * 2048);
    }

    /** /sys/devices/system/node/nodeN/numastat. */
    public static String numastat(PhysicalMemory mem, int nid) {
        Node n = mem.nodes[nid];
        return "numa_hit " + n.vmstat(VmStat.NUMA_HIT) + "\n"
                + "numa_miss " + n.vmstat(VmStat.NUMA_MISS) + "\n"
                + "numa_foreign " + n.vmstat(VmStat.NUMA_FOREIGN) + "\n"
                + "interleave_hit " + n.vmstat(VmStat.NUMA_INTERLEAVE) + "\n"
                + "local_node " + n.vmstat(VmStat.NUMA_LOCAL) + "\n"
                + "other_node " + n.vmstat(VmStat.NUMA_OTHER) + "\n";
    }

    /**
     * {@code numactl --hardware} as numactl 2.0.16 (Debian 12) prints it: nodes in N_MEMORY or
     * with CPUs are "available"; distance columns of width 3.
     */
    public static String numactlHardware(PhysicalMemory mem) {
        List<Integer> avail = new ArrayList<>();
        for (Node n : mem.nodes) {
            if (n.online()) {
                avail.add(n.nid);
            }
        }
        int[] ids = avail.stream().mapToInt(Integer::intValue).toArray();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("available: %d nodes (%s)%n", ids.length, NodeMask.formatList(ids)));
        for (int nid : ids) {
            Node n = mem.nodes[nid];
            sb.append("node ").append(nid).append(" cpus:");
            for (int c : n.cpus) {
                sb.append(' ').append(c);
            }
            sb.append('\n');
            sb.append(String.format("node %d size: %d MB%n", nid, (n.managedPages() * 4096) >> 20));
            sb.append(String.format("node %d free: %d MB%n", nid, (n.freePages() * 4096) >> 20));
        }
        int[][] d = mem.spec().distance();
        // numactl <= 2.0.18 prints "% 3d " (Debian 12 ships 2.0.16), which misaligns three-digit
        // values; 2.0.19 prints "% 4d " after "node  ". Take the newer layout only when needed.
        boolean wide = false;
        for (int from : ids) {
            wide |= from >= 100;
            for (int to : ids) {
                wide |= d[from][to] >= 100;
            }
        }
        String cell = wide ? "% 4d " : "% 3d ";
        sb.append("node distances:\n");
        sb.append(wide ? "node  " : "node ");
        for (int nid : ids) {
            sb.append(String.format(cell, nid));
        }
        sb.append('\n');
        for (int from : ids) {
            sb.append(String.format(wide ? "% 4d: " : "% 3d: ", from));
            for (int to : ids) {
                sb.append(String.format(cell, d[from][to]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Per zone: span, managed, free, the /proc/zoneinfo watermark lines and lowmem protection. */
    public static String zoneWatermarks(PhysicalMemory mem) {
        StringBuilder sb = new StringBuilder();
        for (Node n : mem.nodes) {
            for (Zone z : n.zones) {
                if (!z.populated()) {
                    continue;
                }
                sb.append(String.format("Node %d, zone %8s%n", n.nid, z.type.procName()));
                sb.append(String.format("  pages free     %d%n", z.freePages));
                sb.append(String.format("        boost    %d%n", z.watermarkBoost()));
                sb.append(String.format("        min      %d%n", z.watermark(Zone.WMARK_MIN)));
                sb.append(String.format("        low      %d%n", z.watermark(Zone.WMARK_LOW)));
                sb.append(String.format("        high     %d%n", z.watermark(Zone.WMARK_HIGH)));
                sb.append(String.format("        promo    %d%n", z.watermark(Zone.WMARK_PROMO)));
                sb.append(String.format("        spanned  %d%n", z.spannedPages()));
                sb.append(String.format("        present  %d%n", z.presentPages()));
                sb.append(String.format("        managed  %d%n", z.managedPages()));
                sb.append("        protection: (");
                for (int j = 0; j < ZoneType.MAX_NR_ZONES; j++) {
                    sb.append(j == 0 ? "" : ", ").append(z.lowmemReserve[j]);
                }
                sb.append(")\n");
                if (z.pcp != null) {
                    sb.append("  pagesets\n    cpu: 0\n");
                    sb.append(String.format("              count: %d%n", z.pcp.count));
                    sb.append(String.format("              high:  %d%n", z.pcp.high));
                    sb.append(String.format("              high_min: %d high_max: %d%n", z.pcp.highMin, z.pcp.highMax));
                    sb.append(String.format("              batch: %d%n", z.pcp.batch));
                }
                sb.append(String.format(Locale.ROOT, "  start_pfn:           %d%n", z.startPfn));
            }
        }
        return sb.toString();
    }
}
