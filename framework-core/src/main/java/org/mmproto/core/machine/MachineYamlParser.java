package org.mmproto.core.machine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

import org.mmproto.api.NodeMask;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.config.YamlTree;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the YAML machine format into a validated {@link MachineSpec}.
 *
 * <pre>{@code
 * name: default            # optional label (default: the file name without extension)
 * nodes:                   # required, nid order, 1..MAX_NUMNODES entries
 *   - nid: 0               # optional; must equal the list index if given
 *     size: 16GiB          # memory; 0 or absent = memoryless node (then cpus are required)
 *     cpus: 0-3            # numactl list (or a YAML list of ids); "" or absent = CPU-less
 *     movable: 2GiB        # optional: top of the node's memory in ZONE_MOVABLE (<= size)
 *     online: movable      # optional: normal (default) | movable = all memory in ZONE_MOVABLE,
 *                          #   like hot-plugged CXL onlined movable (movable bytes = size) |
 *                          #   none = present but unplugged until a hotplug step onlines it
 *     private: true        # optional: an N_MEMORY_PRIVATE node (needs a size > 0)
 *     start: 0x480000000   # optional physical base, hex or size syntax, page aligned;
 *                          #   default: right after the previous node (node 0 at 0)
 * distances:               # optional n x n SLIT, rows = from node; default 10 local, 20 remote
 *   - [10, 20, 30]         #   diagonal 10, others 11..255; asymmetric tables are accepted
 *   - [20, 10, 30]
 *   - [30, 30, 10]
 * vm:                      # optional
 *   min_free_kbytes: 67584         # 0..2^31-1; absent = computed as the kernel does
 *   watermark_scale_factor: 10     # 1..3000 (the sysctl's range)
 *   lowmem_reserve_ratio: [256, 256, 32, 0]   # DMA, DMA32, NORMAL, MOVABLE; each >= 0
 *   transparent_hugepage: always   # always | madvise | never
 *   movablecore: 4GiB              # movablecore= boot option
 *   overcommit_memory: 0           # 0 heuristic | 1 always | 2 never (strict CommitLimit)
 *   overcommit_ratio: 50           # 0..2^31-1: CommitLimit = ratio% of RAM in mode 2
 *   compaction_proactiveness: 20   # 0..100: kcompactd's proactive compaction (0 = off)
 *   overcommit_kbytes: 0           # 0..2^62: CommitLimit in kB in mode 2 (0 = use the ratio)
 *   demotion_enabled: true         # /sys/kernel/mm/numa/demotion_enabled (default false)
 *   numa_balancing: 2              # kernel.numa_balancing: 0 off, 1 normal, 2 memory tiering, 3 both
 *   numa_balancing_scan_size_mb: 256         # 1..2^20: MB of address space per scan
 *   numa_balancing_scan_period_ms: 1000      # 1..2^30: one scan per task per period of ticks
 *   numa_balancing_hot_threshold_ms: 1000    # 0..2^30: hint-fault latency below it is hot
 *   numa_balancing_promote_rate_limit_MBps: 65536   # 0..2^40: promotion candidates per second
 * }</pre>
 *
 * <p>Sizes use binary units ({@link Sizes}) and must be multiples of the 4KiB page. Node memory
 * ranges [start, start+size) may not overlap and must end within the 52-bit physical address
 * space. A cpu may be on one node only and listed once; some node must have a cpu. Every
 * violation is a {@link org.mmproto.core.config.ConfigException} at the offending node's line,
 * naming what was expected; nothing is built until everything has been checked.
 */
public final class MachineYamlParser {
    static final Set<String> TOP_KEYS = YamlTree.keys("name", "nodes", "distances", "vm");
    static final Set<String> NODE_KEYS =
            YamlTree.keys("nid", "size", "cpus", "movable", "online", "private", "start", "adistance");
    static final Set<String> VM_KEYS = YamlTree.keys("min_free_kbytes", "watermark_scale_factor",
            "lowmem_reserve_ratio", "transparent_hugepage", "movablecore", "overcommit_memory", "overcommit_ratio", "compaction_proactiveness",
            "demotion_enabled", "numa_balancing", "numa_balancing_scan_size_mb", "numa_balancing_scan_period_ms",
            "numa_balancing_hot_threshold_ms", "numa_balancing_promote_rate_limit_MBps",
            "overcommit_kbytes");
    private static final String MIN_FREE_LIMIT = "vm.min_free_kbytes is a C int sysctl:"
            + " at most 2147483647 KiB, just under 2TiB";
    private static final List<String> ONLINE = List.of("normal", "movable", "none");
    private static final List<String> THP = List.of("always", "madvise", "never");

    private MachineYamlParser() {
    }

    public static MachineSpec parse(String text, String sourceName) {
        return parse(YamlTree.parse(text, sourceName));
    }

    public static MachineSpec parse(YamlTree tree) {
        return parse(tree, tree.rootMapping("a machine description with a 'nodes:' list"));
    }

    /**
     * Parses a machine description that is a mapping inside another YAML document (a scenario's
     * inline {@code machine:}); errors carry the node's position and path in that document.
     */
    public static MachineSpec parse(YamlTree tree, MappingNode top) {
        tree.allowKeys(top, TOP_KEYS);
        String name = tree.get(top, "name").map(tree::string)
                .orElseGet(() -> defaultName(tree.source()));

        Node nodesNode = tree.require(top, "nodes");
        List<Node> items = tree.items(nodesNode);
        if (items.isEmpty()) {
            throw tree.error(nodesNode, "no nodes; expected at least one node");
        }
        if (items.size() > NodeMask.MAX_NUMNODES) {
            throw tree.error(nodesNode, MachineRules.tooManyNodes(items.size()));
        }
        List<NodeSpec> nodes = new ArrayList<>();
        List<MappingNode> nodeMaps = new ArrayList<>();
        Map<Integer, Integer> cpuOwner = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            MappingNode m = tree.mapping(items.get(i));
            nodes.add(parseNode(tree, m, i, cpuOwner));
            nodeMaps.add(m);
        }
        if (cpuOwner.isEmpty()) {
            throw tree.error(nodesNode, MachineRules.noCpus());
        }
        checkPhysicalRanges(tree, nodes, nodeMaps);

        int[][] distance = tree.get(top, "distances")
                .map(d -> parseDistances(tree, d, nodes.size()))
                .orElseGet(() -> MachineRules.defaultDistances(nodes.size()));
        VmTunables vm = tree.get(top, "vm").map(v -> parseVm(tree, v))
                .orElseGet(VmTunables::defaults);
        int[] adistance = new int[nodes.size()];
        for (int i = 0; i < adistance.length; i++) {
            adistance[i] = tree.get(nodeMaps.get(i), "adistance").map(n -> tree.intValue(n, 1, MAX_ADISTANCE))
                    .orElse(-1);
        }
        TieringSpec tiering = tree.get(top, "vm").map(v -> parseTiering(tree, v, adistance))
                .orElseGet(() -> new TieringSpec(adistance, false, 0, TieringSpec.DEFAULT_SCAN_SIZE_MB,
                        TieringSpec.DEFAULT_SCAN_PERIOD_MS, TieringSpec.DEFAULT_HOT_THRESHOLD_MS,
                        TieringSpec.DEFAULT_PROMOTE_RATE_LIMIT_MBPS));
        return new MachineSpec(name, tree.source(), nodes, distance, vm, tiering);
    }

    /** "bundled:default" -> "default", "/x/y/big-box.yaml" -> "big-box". */
    static String defaultName(String source) {
        String s = source == null ? "machine" : source;
        int colon = s.indexOf(':');
        if (s.startsWith("bundled:") && colon >= 0) {
            s = s.substring(colon + 1);
        }
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        s = s.substring(slash + 1);
        int dot = s.lastIndexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }

    private static NodeSpec parseNode(YamlTree tree, MappingNode m, int index,
                                      Map<Integer, Integer> cpuOwner) {
        tree.allowKeys(m, NODE_KEYS);
        Optional<Node> nidNode = tree.get(m, "nid");
        if (nidNode.isPresent()) {
            int nid = tree.intValue(nidNode.get(), 0, NodeMask.MAX_NUMNODES - 1);
            if (nid != index) {
                throw tree.error(nidNode.get(), "nid " + nid + " does not match the node's"
                        + " position " + index + " in the list; nodes are listed in nid order"
                        + " from 0 (expected nid: " + index + ", or leave nid out)");
            }
        }
        Optional<Node> sizeNode = tree.get(m, "size");
        long size = sizeNode.map(n -> pageMultiple(tree, n, "size")).orElse(0L);

        int[] cpus = tree.get(m, "cpus").map(n -> parseCpus(tree, n)).orElse(new int[0]);
        for (int cpu : cpus) {
            Integer first = cpuOwner.putIfAbsent(cpu, index);
            if (first != null) {
                throw tree.error(tree.get(m, "cpus").get(),
                        MachineRules.cpuOnTwoNodes(cpu, first, index));
            }
        }

        Optional<Node> movableNode = tree.get(m, "movable");
        long movable = movableNode.map(n -> pageMultiple(tree, n, "movable")).orElse(0L);
        Optional<Node> onlineNode = tree.get(m, "online");
        String online = onlineNode.map(n -> tree.oneOf(n, ONLINE)).orElse("normal");
        boolean onlineMovable = online.equals("movable");
        boolean unplugged = online.equals("none");
        if (unplugged && size == 0) {
            throw tree.error(onlineNode.get(), "online: none needs memory to hotplug; expected a size > 0 on node " + index);
        }
        if (unplugged && movableNode.isPresent()) {
            throw tree.error(movableNode.get(), "movable: conflicts with online: none (the zone is chosen when the"
                    + " memory is onlined); expected one of the two");
        }
        boolean isPrivate = tree.get(m, "private").map(tree::bool).orElse(false);
        Optional<Node> startNode = tree.get(m, "start");
        OptionalLong start = startNode.isPresent()
                ? OptionalLong.of(pageMultiple(tree, startNode.get(), "start"))
                : OptionalLong.empty();

        if (isPrivate && index >= MachineRules.MAX_PRIVATE_NID + 1) {
            throw tree.error(tree.get(m, "private").get(), MachineRules.privateNidTooHigh(index));
        }
        if (isPrivate && size == 0) {
            throw tree.error(sizeNode.orElse(m), "node " + index + " is private but has no"
                    + " memory; a private node needs a size > 0");
        }
        if (size == 0 && cpus.length == 0) {
            throw tree.error(m, MachineRules.neitherMemoryNorCpus(index));
        }
        if (onlineMovable && size == 0) {
            throw tree.error(onlineNode.get(), "online: movable needs memory; expected a size > 0"
                    + " on node " + index);
        }
        if (onlineMovable && movableNode.isPresent() && movable != size) {
            throw tree.error(movableNode.get(), "movable: " + Sizes.format(movable) + " conflicts"
                    + " with online: movable, which puts all " + Sizes.format(size) + " in"
                    + " ZONE_MOVABLE; expected one of the two");
        }
        if (movable > size) {
            throw tree.error(movableNode.get(), "movable: " + Sizes.format(movable) + " is larger"
                    + " than the node's size " + Sizes.format(size) + "; expected 0.." +
                    Sizes.format(size));
        }
        long movableBytes = onlineMovable ? size : movable;
        List<Integer> cpuList = new ArrayList<>(cpus.length);
        for (int c : cpus) {
            cpuList.add(c);
        }
        return new NodeSpec(index, size, cpuList, isPrivate, movableBytes, start, tree.line(m), unplugged);
    }

    private static long pageMultiple(YamlTree tree, Node n, String key) {
        long v = tree.size(n);
        if (v % MachineRules.PAGE_SIZE != 0) {
            String what = key.equals("start") ? "page aligned" : "a multiple of the page size";
            throw tree.error(n, key + " " + tree.string(n).strip() + " (" + v + " bytes) is not "
                    + what + "; expected a multiple of 4KiB (4096 bytes)");
        }
        return v;
    }

    private static int[] parseCpus(YamlTree tree, Node n) {
        if (n instanceof SequenceNode) {
            TreeSet<Integer> ids = new TreeSet<>();
            for (Node item : tree.items(n)) {
                int cpu = tree.intValue(item, 0, MachineRules.MAX_CPU_ID);
                if (!ids.add(cpu)) {
                    throw tree.error(item, MachineRules.duplicateCpu(cpu));
                }
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }
        try {
            return MachineRules.cpuList(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, "expected a cpu list such as 0-3,8 (or \"\" for none): "
                    + e.getMessage());
        }
    }

    private static void checkPhysicalRanges(YamlTree tree, List<NodeSpec> nodes,
                                            List<MappingNode> maps) {
        int n = nodes.size();
        long[] base = new long[n];
        long[] end = new long[n];
        long next = 0;
        for (int i = 0; i < n; i++) {
            NodeSpec node = nodes.get(i);
            base[i] = node.startAddress().orElse(next);
            MappingNode map = maps.get(i);
            Node at = tree.get(map, "start").or(() -> tree.get(map, "size")).orElse(map);
            if (node.sizeBytes() > MachineRules.MAX_PHYS_ADDR - base[i]) {
                throw tree.error(at, "node " + i + " at " + Sizes.hex(base[i]) + " with size "
                        + Sizes.format(node.sizeBytes()) + " ends beyond the "
                        + MachineRules.MAX_PHYSMEM_BITS + "-bit physical address space ("
                        + Sizes.hex(MachineRules.MAX_PHYS_ADDR) + ")");
            }
            end[i] = base[i] + node.sizeBytes();
            next = end[i];
        }
        for (int j = 0; j < n; j++) {
            if (!nodes.get(j).hasMemory()) {
                continue;
            }
            for (int i = 0; i < j; i++) {
                if (nodes.get(i).hasMemory() && base[i] < end[j] && base[j] < end[i]) {
                    Node at = tree.get(maps.get(j), "start").orElse(maps.get(j));
                    throw tree.error(at, "node " + j + " memory " + range(base[j], end[j])
                            + " overlaps node " + i + " memory " + range(base[i], end[i])
                            + "; expected disjoint ranges (set start: to move a node)");
                }
            }
        }
    }

    private static String range(long from, long to) {
        return "[" + Sizes.hex(from) + ", " + Sizes.hex(to) + ")";
    }

    private static int[][] parseDistances(YamlTree tree, Node node, int n) {
        List<Node> rows = tree.items(node);
        if (rows.size() != n) {
            throw tree.error(node, "expected " + n + " rows (an n x n matrix, one row per node),"
                    + " got " + rows.size());
        }
        int[][] d = new int[n][n];
        for (int i = 0; i < n; i++) {
            List<Node> row = tree.items(rows.get(i));
            if (row.size() != n) {
                throw tree.error(rows.get(i), "row " + i + " has " + row.size() + " entries;"
                        + " expected " + n + " (one per node)");
            }
            for (int j = 0; j < n; j++) {
                int v = tree.intValue(row.get(j), 0, Integer.MAX_VALUE);
                String problem = MachineRules.distanceProblem(i, j, v);
                if (problem != null) {
                    throw tree.error(row.get(j), problem);
                }
                d[i][j] = v;
            }
        }
        return d;
    }

    /** An abstract distance the model accepts (the kernel takes any int; far above any real tier). */
    static final int MAX_ADISTANCE = 100_000;

    private static TieringSpec parseTiering(YamlTree tree, Node node, int[] adistance) {
        MappingNode m = tree.mapping(node);
        boolean demotion = tree.get(m, "demotion_enabled").map(tree::bool).orElse(false);
        int nb = tree.get(m, "numa_balancing").map(n -> tree.intValue(n, 0, 3)).orElse(0);
        int size = tree.get(m, "numa_balancing_scan_size_mb").map(n -> tree.intValue(n, 1, 1 << 20))
                .orElse(TieringSpec.DEFAULT_SCAN_SIZE_MB);
        int period = tree.get(m, "numa_balancing_scan_period_ms").map(n -> tree.intValue(n, 1, 1 << 30))
                .orElse(TieringSpec.DEFAULT_SCAN_PERIOD_MS);
        int hot = tree.get(m, "numa_balancing_hot_threshold_ms").map(n -> tree.intValue(n, 0, 1 << 30))
                .orElse(TieringSpec.DEFAULT_HOT_THRESHOLD_MS);
        long rate = tree.get(m, "numa_balancing_promote_rate_limit_MBps").map(n -> tree.longValue(n, 0, 1L << 40))
                .orElse(TieringSpec.DEFAULT_PROMOTE_RATE_LIMIT_MBPS);
        return new TieringSpec(adistance, demotion, nb, size, period, hot, rate);
    }

    private static VmTunables parseVm(YamlTree tree, Node node) {
        MappingNode m = tree.mapping(node);
        tree.allowKeys(m, VM_KEYS);
        VmTunables def = VmTunables.defaults();
        long minFree = tree.get(m, "min_free_kbytes")
                .map(n -> tree.longValue(n, 0, Integer.MAX_VALUE, MIN_FREE_LIMIT))
                .orElse(def.minFreeKbytes());
        int wsf = tree.get(m, "watermark_scale_factor").map(n -> tree.intValue(n, 1, 3000))
                .orElse(def.watermarkScaleFactor());
        int[] ratio = def.lowmemReserveRatio();
        Optional<Node> ratioNode = tree.get(m, "lowmem_reserve_ratio");
        if (ratioNode.isPresent()) {
            List<Node> items = tree.items(ratioNode.get());
            if (items.size() != 4) {
                throw tree.error(ratioNode.get(), "expected 4 entries (DMA, DMA32, NORMAL,"
                        + " MOVABLE), got " + items.size());
            }
            for (int i = 0; i < 4; i++) {
                ratio[i] = tree.intValue(items.get(i), 0, Integer.MAX_VALUE);
            }
        }
        boolean thp = tree.get(m, "transparent_hugepage").map(n -> tree.oneOf(n, THP))
                .map(s -> !s.equals("never")).orElse(def.thpEnabled());
        long movablecore = tree.get(m, "movablecore").map(n -> pageMultiple(tree, n, "movablecore"))
                .orElse(def.movablecoreBytes());
        int overcommit = tree.get(m, "overcommit_memory").map(n -> tree.intValue(n, 0, 2))
                .orElse(def.overcommitMemory());
        int overcommitRatio = tree.get(m, "overcommit_ratio").map(n -> tree.intValue(n, 0, Integer.MAX_VALUE))
                .orElse(def.overcommitRatio());
        long overcommitKbytes = tree.get(m, "overcommit_kbytes").map(n -> tree.longValue(n, 0, 1L << 62))
                .orElse(def.overcommitKbytes());
        int proactiveness = tree.get(m, "compaction_proactiveness").map(n -> tree.intValue(n, 0, 100))
                .orElse(def.compactionProactiveness());
        return new VmTunables(minFree, wsf, ratio, thp, movablecore, overcommit, overcommitRatio, overcommitKbytes,
                proactiveness);
    }
}
