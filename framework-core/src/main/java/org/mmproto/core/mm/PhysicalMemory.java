package org.mmproto.core.mm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mmproto.api.ZoneType;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.trace.Tracer;

/**
 * The booted machine: nodes, zones with their memmaps, zonelists and watermarks, all memory
 * freed into the buddy allocator as memblock does at boot. Built once from a {@link MachineSpec}.
 */
public final class PhysicalMemory {
    private final MachineSpec spec;
    final Node[] nodes;
    /** Populated zones sorted by start pfn, for pfn lookup. */
    private Zone[] byPfn;
    private long[] byPfnStart;
    private final List<Zone> allZones;
    private Watermarks.MinFree minFree;
    /** One-entry cache for zoneOf: consecutive lookups mostly hit the same zone. */
    private Zone lastZone;
    /** Set once by the kernel before any subsystem exists; each subsystem keeps them in final fields. */
    private Tracer tracer = Tracer.OFF;
    private FaultInjector faults = FaultInjector.OFF;
    private boolean instrumented;

    private PhysicalMemory(MachineSpec spec, Node[] nodes, List<Zone> allZones, Watermarks.MinFree minFree) {
        this.spec = spec;
        this.nodes = nodes;
        this.allZones = List.copyOf(allZones);
        reindex();
        this.minFree = minFree;
    }

    /** The pfn index over the zones that span memory now (rebuilt when memory is onlined or offlined). */
    void reindex() {
        this.byPfn = allZones.stream().filter(Zone::populated)
                .sorted((a, b) -> Long.compare(a.startPfn, b.startPfn)).toArray(Zone[]::new);
        this.byPfnStart = Arrays.stream(byPfn).mapToLong(z -> z.startPfn).toArray();
        this.lastZone = null;
    }

    /** The first node with memory and cpus (else with memory): whose zonelist min_free_kbytes is computed from. */
    int bootNode() {
        return firstMemoryNode(nodes);
    }

    /** init_per_zone_wmark_min after memory was onlined or offlined: min_free_kbytes, watermarks, lowmem reserves. */
    void resetWatermarks() {
        this.minFree = Watermarks.setup(nodes, firstMemoryNode(nodes), spec.vm());
    }

    private static int firstMemoryNode(Node[] nodes) {
        for (Node node : nodes) {
            if (node.inNMemory() && node.hasCpus()) {
                return node.nid;
            }
        }
        for (Node node : nodes) {
            if (node.inNMemory()) {
                return node.nid;
            }
        }
        return -1;
    }

    /**
     * The run's tracepoints and fault injection; called by the kernel right after boot, before it
     * builds the allocator and the subsystems that read them.
     */
    public void instrument(Tracer t, FaultInjector f) {
        if (instrumented) {
            throw new IllegalStateException("tracer and fault injector are set once, at boot");
        }
        instrumented = true;
        this.tracer = t;
        this.faults = f;
        for (Zone z : allZones) {
            z.tracer = t;
        }
    }

    /** The kernel's tracepoints ({@link Tracer#OFF} unless the run traces). */
    public Tracer tracer() {
        return tracer;
    }

    /** The kernel's fault injection ({@link FaultInjector#OFF} unless the run injects faults). */
    public FaultInjector faults() {
        return faults;
    }

    /** Boots with no private-node design: the machine's private nodes are ordinary memory (mainline). */
    public static PhysicalMemory boot(MachineSpec spec) {
        return boot(spec, PrivateNodeLayout.MAINLINE);
    }

    /** Boots with the node states and zonelists the run's design chose for the private nodes. */
    public static PhysicalMemory boot(MachineSpec spec, PrivateNodeLayout layoutOfPrivate) {
        MemmapBudget.check(spec); // before any per-page array: a clear message, not an OutOfMemoryError
        ZoneLayout layout = ZoneLayout.of(spec);
        int n = spec.nodeCount();
        Node[] nodes = new Node[n];
        List<Zone> all = new ArrayList<>();
        for (NodeSpec ns : spec.nodes()) {
            Zone[] zones = new Zone[ZoneType.MAX_NR_ZONES];
            for (ZoneType t : ZoneType.values()) {
                long[] r = layout.ranges[ns.nid()][t.ordinal()];
                long pages = r[1] - r[0];
                if (pages > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("node " + ns.nid() + " zone " + t.procName()
                            + " has " + pages + " pages; a zone is limited to 2^31-1 pages (8 TiB)");
                }
                zones[t.ordinal()] = new Zone(all.size(), ns.nid(), t, r[0], (int) pages);
                all.add(zones[t.ordinal()]);
            }
            if (ns.unplugged()) {
                zones[ZoneType.NORMAL.ordinal()].setSpanned(false);
                zones[ZoneType.MOVABLE.ordinal()].setSpanned(false);
            }
            nodes[ns.nid()] = new Node(ns.nid(), zones, ns.cpus(), ns.isPrivate());
            nodes[ns.nid()].hotpluggable = ns.unplugged();
        }
        for (Node node : nodes) {
            if (node.isPrivate) {
                node.nMemory = layoutOfPrivate.inNMemory(node.nid);
            }
        }
        ZonelistBuilder.buildAll(nodes, spec.distance(), layoutOfPrivate);
        for (Zone z : all) {
            freeAllToBuddy(z);
        }
        Watermarks.MinFree mf = Watermarks.setup(nodes, firstMemoryNode(nodes), spec.vm());
        return new PhysicalMemory(spec, nodes, all, mf);
    }

    /** memblock_free_all (and online_pages): each zone's range freed in the largest naturally aligned blocks. */
    static void freeAllToBuddy(Zone z) {
        long pfn = z.startPfn;
        long end = z.endPfn();
        while (pfn < end) {
            int order = pfn == 0 ? Zone.MAX_PAGE_ORDER : Math.min(Zone.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(pfn));
            while (pfn + (1L << order) > end) {
                order--;
            }
            Buddy.freeOnePage(z, (int) (pfn - z.startPfn), order, z.pageblockMigratetype(pfn));
            pfn += 1L << order;
        }
    }

    public MachineSpec spec() {
        return spec;
    }

    public int nodeCount() {
        return nodes.length;
    }

    public Node node(int nid) {
        return nodes[nid];
    }

    public List<Node> nodes() {
        return List.of(nodes);
    }

    public List<Zone> zones() {
        return allZones;
    }

    public long minFreeKbytes() {
        return minFree.kbytes();
    }

    Watermarks.MinFree minFree() {
        return minFree;
    }

    /** The zone whose span holds {@code pfn}, or null for a pfn in no zone (a hole). */
    public Zone zoneOf(long pfn) {
        Zone last = lastZone;
        if (last != null && pfn >= last.startPfn && pfn < last.startPfn + last.spannedPages) {
            return last;
        }
        Zone z = lookupZone(pfn);
        if (z != null) {
            lastZone = z;
        }
        return z;
    }

    private Zone lookupZone(long pfn) {
        int k = Arrays.binarySearch(byPfnStart, pfn);
        if (k < 0) {
            k = -k - 2;
        }
        if (k < 0) {
            return null;
        }
        Zone z = byPfn[k];
        return z.spans(pfn) ? z : null;
    }

    public long totalManagedPages() {
        long n = 0;
        for (Zone z : allZones) {
            n += z.managedPages();
        }
        return n;
    }

    public long totalFreePages() {
        long n = 0;
        for (Zone z : allZones) {
            n += z.freePages;
        }
        return n;
    }

    /** Free pages held on per-CPU lists (not in NR_FREE_PAGES). */
    public long totalPcpPages() {
        long n = 0;
        for (Zone z : allZones) {
            n += z.pcpPages();
        }
        return n;
    }

    /** Pages in allocated folios: managed minus free minus per-CPU-listed. */
    public long pagesInFolios() {
        return totalManagedPages() - totalFreePages() - totalPcpPages();
    }

    /** Bytes of simulated memmap state (per-page arrays and free-area heads) for the whole machine. */
    public long memmapBytes() {
        long n = 0;
        for (Zone z : allZones) {
            n += z.memmapBytes();
        }
        return n;
    }

    /** Simulated state per 4 KiB page: memmap bytes divided by managed pages. */
    public double bytesPerPage() {
        long pages = totalManagedPages();
        return pages == 0 ? 0 : (double) memmapBytes() / pages;
    }

    public int nrOnlineNodes() {
        return nodes.length;
    }

    /** Adds to a per-node vmstat item (events the subsystems above the allocator count). */
    public void count(int nid, VmStat item, long delta) {
        nodes[nid].vmstat[item.ordinal()] += delta;
    }

    public long vmstat(VmStat item) {
        long n = 0;
        for (Node node : nodes) {
            n += node.vmstat[item.ordinal()];
        }
        return n;
    }
}
