package org.mmproto.core.scenario;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.Suggestions;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.MachineYamlParser;
import org.mmproto.core.machine.NodeSpec;
import org.mmproto.core.machine.NumactlHardwareParser;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Args.MaskArg;
import org.mmproto.core.scenario.Args.PidRef;
import org.mmproto.core.scenario.Expectations.Expectation;
import org.mmproto.core.scenario.Expectations.Expected;
import org.mmproto.core.scenario.Expectations.Item;
import org.mmproto.core.scenario.Expectations.Probe;
import org.mmproto.core.scenario.Step.Meta;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.Kernel;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a scenario file (format: {@code scenarios/README.md}) into a checked {@link Scenario}.
 *
 * <p>Everything that can be known before the run is checked here, each problem a
 * {@link ConfigException} at its file:line:column: unknown steps and keys (with a did-you-mean),
 * wrong value types, tasks used before they exist or after they exited, undefined mapping, memfd
 * and allocation names, malformed address expressions, unknown flag names. Invalid syscall
 * <em>values</em> (unaligned addresses, unknown flag bits, bad nodes) are not errors: they are
 * passed to the syscall, which answers with the kernel's errno.
 */
public final class ScenarioParser {
    static final Set<String> TOP_KEYS = YamlTree.keys("name", "description", "machine", "seed", "thp",
            "check_each_step", "tasks", "steps", "design", "drivers");
    static final Set<String> DRIVER_KEYS = YamlTree.keys("plugin", "node", "config");
    static final Set<String> TASK_KEYS = YamlTree.keys("name", "pid", "cpu", "uid", "caps", "mems");
    /** Operation keys, in the order the README documents them. */
    public static final List<String> OPS = List.of("mmap", "munmap", "madvise", "memfd_create", "touch", "fork",
            "exit", "set_credentials", "cpuset", "set_mempolicy", "get_mempolicy", "mbind", "migrate_pages",
            "move_pages", "set_mempolicy_home_node", "alloc_pages", "free_pages", "drain_pages", "pin_user_pages",
            "unpin_user_pages", "memory_failure", "nested_alloc", "repeat", "check",
            "expect", "show");
    static final List<String> SHOW = List.of("vmstat", "buddyinfo", "pagetypeinfo", "zoneinfo", "meminfo",
            "numastat", "numactl", "maps", "numa_maps");
    /** show: items that are per task. */
    static final List<String> SHOW_PER_TASK = List.of("maps", "numa_maps");
    static final List<String> THP = List.of("always", "madvise", "never");
    static final List<String> NODE_KEYS = List.of("total_pages", "free_pages", "pcp_pages", "used_pages");
    static final List<String> RESIDENT_KEYS = List.of("task", "addr", "length", "pages", "zero_pages",
            "huge_pages", "nodes");
    static final List<String> TASK_VALUE_KEYS = List.of("rss_pages", "exited", "uid", "pid");
    static final Set<String> CAPS = YamlTree.keys("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
            "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
            "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");
    /** Counter names an expectation may read: nr_free_pages and every item the engine counts. */
    static final List<String> VMSTAT_KEYS;

    static {
        List<String> k = new ArrayList<>();
        k.add("nr_free_pages");
        for (VmStat v : VmStat.values()) {
            k.add(v.key());
        }
        VMSTAT_KEYS = List.copyOf(k);
    }

    private final YamlTree tree;
    private final Path baseDir;
    private MachineSpec machine;
    private final TreeSet<Integer> cpus = new TreeSet<>();

    /** Static state as the steps are read in order: what exists at each step. */
    private final Map<String, Integer> liveTasks = new LinkedHashMap<>();
    private final Map<String, Integer> exitedTasks = new HashMap<>();
    private final Map<String, Mapping> mappings = new LinkedHashMap<>();
    private final Map<String, Integer> memfds = new LinkedHashMap<>();
    private final Map<String, Integer> groups = new LinkedHashMap<>();
    private final Set<Integer> explicitPids = new LinkedHashSet<>();
    /** Names that later steps define (for "defined later" hints): kind:name -> line. */
    private final Map<String, Integer> laterNames = new HashMap<>();

    private record Mapping(int line, long length) {
    }

    private ScenarioParser(YamlTree tree, Path baseDir) {
        this.tree = tree;
        this.baseDir = baseDir;
    }

    /** Reads and parses a scenario file; machine paths are relative to its directory. */
    public static Scenario parse(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return parse(YamlTree.readText(file), file.toString(), dir);
    }

    /**
     * Parses scenario text.
     *
     * @param source  names the text in errors (a path)
     * @param baseDir where relative machine paths are looked up; null = the working directory
     */
    public static Scenario parse(String text, String source, Path baseDir) {
        return new ScenarioParser(YamlTree.parse(text, source), baseDir == null ? Path.of("") : baseDir).parse();
    }

    private Scenario parse() {
        MappingNode top = tree.rootMapping("a scenario (name:, machine:, tasks:, steps:)");
        tree.allowKeys(top, TOP_KEYS);
        String name = tree.get(top, "name").map(tree::string).map(String::strip)
                .orElseGet(() -> defaultName(tree.source()));
        String description = tree.get(top, "description").map(tree::string).map(String::strip).orElse("");
        machine = parseMachine(tree.get(top, "machine"));
        for (NodeSpec n : machine.nodes()) {
            cpus.addAll(n.cpus());
        }
        long seed = tree.get(top, "seed").map(tree::longValue).orElse(1L);
        Kernel.ThpMode thp = tree.get(top, "thp").map(n -> tree.oneOf(n, THP))
                .map(s -> Kernel.ThpMode.valueOf(s.toUpperCase(Locale.ROOT))).orElse(null);
        boolean checkEach = tree.get(top, "check_each_step").map(tree::bool).orElse(false);
        List<Scenario.TaskDecl> tasks = new ArrayList<>();
        Optional<Node> tasksNode = tree.get(top, "tasks");
        if (tasksNode.isPresent()) {
            for (Node item : tree.items(tasksNode.get())) {
                tasks.add(parseTask(item));
            }
        }
        Node stepsNode = tree.require(top, "steps");
        List<Node> items = tree.items(stepsNode);
        prescan(items);
        List<Step> steps = new ArrayList<>();
        for (Node item : items) {
            steps.add(parseStep(item));
        }
        String design = tree.get(top, "design").map(tree::string).map(String::strip).orElse(null);
        if (design != null && !Expectations.DESIGN_NAMES.contains(design)) {
            // plugin designs are checked when the run resolves them; only typos of built-ins are caught here
            Optional<String> close = Suggestions.closest(design, Expectations.DESIGN_NAMES);
            if (close.isPresent() && !close.get().equals(design) && design.length() > 3) {
                throw tree.error(tree.get(top, "design").get(), "unknown design '" + design + "'"
                        + Suggestions.didYouMean(design, Expectations.DESIGN_NAMES));
            }
        }
        List<Scenario.DriverDecl> drivers = new ArrayList<>();
        Optional<Node> driversNode = tree.get(top, "drivers");
        if (driversNode.isPresent()) {
            for (Node item : tree.items(driversNode.get())) {
                drivers.add(parseDriver(item));
            }
        }
        return new Scenario(name, description, tree.source(), machine, seed, thp, checkEach, tasks, steps, design, drivers);
    }

    private Scenario.DriverDecl parseDriver(Node item) {
        MappingNode m = tree.mapping(item);
        tree.allowKeys(m, DRIVER_KEYS);
        String plugin = tree.string(tree.require(m, "plugin")).strip();
        Node nodeN = tree.require(m, "node");
        int nid = tree.intValue(nodeN, 0, machine.nodeCount() - 1);
        if (!machine.nodes().get(nid).isPrivate()) {
            throw tree.error(nodeN, "node " + nid + " is not a private node; drivers bind private nodes (`private: true`)");
        }
        java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
        Optional<Node> cfg = tree.get(m, "config");
        if (cfg.isPresent()) {
            for (var e : tree.entries(tree.mapping(cfg.get())).entrySet()) {
                config.put(e.getKey(), plainValue(e.getValue()));
            }
        }
        return new Scenario.DriverDecl(tree.line(item), plugin, nid, config);
    }

    /** A driver config value: integer, boolean, size or string, as plain Java values. */
    private Object plainValue(Node v) {
        String text = tree.string(v).strip();
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        try {
            return Long.decode(text.replace("_", ""));
        } catch (NumberFormatException e) {
            try {
                return org.mmproto.core.config.Sizes.parse(text);
            } catch (RuntimeException notASize) {
                return text;
            }
        }
    }

    static String defaultName(String source) {
        String s = source == null ? "scenario" : source;
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        s = s.substring(slash + 1);
        int dot = s.lastIndexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }

    // ---- machine ------------------------------------------------------------------------------

    private MachineSpec parseMachine(Optional<Node> node) {
        if (node.isEmpty()) {
            return MachineFiles.bundled("default");
        }
        Node n = node.get();
        if (n instanceof MappingNode m) {
            return MachineYamlParser.parse(tree, m);
        }
        String text = tree.string(n);
        if (text.contains("\n") || NumactlHardwareParser.looksLikeNumactl(text)) {
            try {
                return NumactlHardwareParser.parse(text, tree.source() + " (machine:)");
            } catch (ConfigException e) {
                int line = e.line() > 0 ? tree.line(n) + e.line() : tree.line(n);
                throw new ConfigException(tree.source(), line, 0, "machine: numactl --hardware text: " + e.detail(), e);
            }
        }
        String arg = text.strip();
        Path path = null;
        try {
            path = baseDir.resolve(arg);
        } catch (InvalidPathException e) {
            // not a path: try the bundled names
        }
        if (path != null && Files.isRegularFile(path)) {
            return MachineFiles.load(path);
        }
        List<String> names = MachineFiles.bundledNames();
        if (names.contains(arg)) {
            return MachineFiles.bundled(arg);
        }
        throw tree.error(n, "no machine file '" + arg + "'" + (path == null ? "" : " (looked for " + path + ")")
                + " and no bundled machine of that name" + Suggestions.didYouMean(arg, names)
                + "; expected a bundled machine (" + String.join(", ", names) + "), a path relative to the"
                + " scenario file, an inline machine mapping (nodes: ...) or numactl --hardware text");
    }

    // ---- tasks --------------------------------------------------------------------------------

    private Scenario.TaskDecl parseTask(Node item) {
        MappingNode m = tree.mapping(item);
        tree.allowKeys(m, TASK_KEYS);
        Node nameNode = tree.require(m, "name");
        String name = newName(nameNode, "task");
        if (liveTasks.containsKey(name)) {
            throw tree.error(nameNode, "task '" + name + "' is already declared at line " + liveTasks.get(name)
                    + "; task names must be unique");
        }
        int pid = tree.get(m, "pid").map(n -> explicitPid(n)).orElse(0);
        int cpu = tree.get(m, "cpu").map(this::cpu).orElseGet(this::defaultCpu);
        int uid = tree.get(m, "uid").map(n -> tree.intValue(n, 0, Integer.MAX_VALUE)).orElse(1000);
        Set<String> caps = tree.get(m, "caps").map(this::caps).orElse(Set.of());
        NodeMask mems = tree.get(m, "mems").map(this::nodeList).orElse(null);
        liveTasks.put(name, tree.line(item));
        return new Scenario.TaskDecl(tree.line(item), name, pid, cpu, uid, caps, mems);
    }

    private int explicitPid(Node n) {
        int pid = tree.intValue(n, 1, 4194304);
        if (!explicitPids.add(pid)) {
            throw tree.error(n, "pid " + pid + " is already given to another task; pids must be unique");
        }
        return pid;
    }

    private int defaultCpu() {
        if (cpus.isEmpty()) {
            throw new ConfigException(tree.source(), 0, 0, "machine " + machine.name() + " has no CPUs; tasks need one");
        }
        return cpus.first();
    }

    private int cpu(Node n) {
        int cpu = tree.intValue(n, 0, Integer.MAX_VALUE);
        if (!cpus.contains(cpu)) {
            throw tree.error(n, "cpu " + cpu + " does not exist on machine " + machine.name() + "; its cpus are "
                    + NodeMask.formatList(cpus.stream().mapToInt(Integer::intValue).toArray()));
        }
        return cpu;
    }

    private Set<String> caps(Node n) {
        List<Node> items = n instanceof SequenceNode ? tree.items(n) : List.of(n);
        Set<String> out = new LinkedHashSet<>();
        for (Node item : items) {
            String c = tree.string(item).strip();
            if (c.isEmpty()) {
                continue;
            }
            if (!CAPS.contains(c)) {
                throw tree.error(item, "unknown capability '" + c + "'" + Suggestions.didYouMean(c, CAPS)
                        + "; expected a Linux capability name such as CAP_SYS_NICE or CAP_SYS_ADMIN");
            }
            out.add(c);
        }
        return Set.copyOf(out);
    }

    private NodeMask nodeList(Node n) {
        try {
            return NodeMask.parse(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, "expected a node list such as 0-1,3: " + e.getMessage());
        }
    }

    private String newName(Node n, String kind) {
        String s = tree.string(n).strip();
        if (!Args.IDENT.matcher(s).matches()) {
            throw tree.error(n, "'" + s + "' is not a valid " + kind + " name; expected letters, digits and _"
                    + " (starting with a letter), so that expressions such as buf+4KiB stay unambiguous");
        }
        return s;
    }

    // ---- steps --------------------------------------------------------------------------------

    /** Records which names later steps define, so a use before the definition can say where it is. */
    private void prescan(List<Node> items) {
        for (Node item : items) {
            if (!(item instanceof MappingNode m)) {
                continue;
            }
            for (NodeTuple t : m.getValue()) {
                String op = ((ScalarNode) t.getKeyNode()).getValue();
                if (!(t.getValueNode() instanceof MappingNode args)) {
                    continue;
                }
                String key = switch (op) {
                    case "mmap" -> "name";
                    case "fork" -> "child";
                    case "memfd_create", "alloc_pages", "repeat", "nested_alloc" -> "name";
                    default -> null;
                };
                if (key == null) {
                    continue;
                }
                String kind = switch (op) {
                    case "mmap" -> "mapping";
                    case "fork" -> "task";
                    case "memfd_create" -> "memfd";
                    default -> "allocation";
                };
                for (NodeTuple a : args.getValue()) {
                    if (((ScalarNode) a.getKeyNode()).getValue().equals(key) && a.getValueNode() instanceof ScalarNode s) {
                        laterNames.putIfAbsent(kind + ":" + s.getValue().strip(), tree.line(item));
                    }
                }
            }
        }
    }

    private Step parseStep(Node item) {
        MappingNode m = tree.mapping(item);
        String op = null;
        Node opKey = null;
        Node opValue = null;
        for (NodeTuple t : m.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (key.equals("expect") || key.equals("name")) {
                continue;
            }
            if (!OPS.contains(key)) {
                List<String> all = new ArrayList<>(OPS);
                all.add("name");
                String what = op == null ? "unknown operation '" + key + "'" : "unknown key '" + key + "' in a step";
                throw new ConfigException(tree.source(), tree.line(t.getKeyNode()), tree.column(t.getKeyNode()),
                        tree.path(m) + ": " + what + Suggestions.didYouMean(key, all) + "; expected one of: "
                                + String.join(", ", OPS) + " (plus expect: and name: beside the operation)");
            }
            if (op != null) {
                throw new ConfigException(tree.source(), tree.line(t.getKeyNode()), tree.column(t.getKeyNode()),
                        tree.path(m) + ": a step has exactly one operation, but this one has '" + op + "' and '"
                                + key + "'; write them as two steps");
            }
            op = key;
            opKey = t.getKeyNode();
            opValue = t.getValueNode();
        }
        Optional<Node> expectNode = tree.get(m, "expect");
        String label = tree.get(m, "name").map(tree::string).map(String::strip).orElse(null);
        int line = tree.line(item);
        if (op == null) {
            if (expectNode.isEmpty()) {
                throw tree.error(m, "a step needs an operation; expected one of: " + String.join(", ", OPS));
            }
            Meta meta = new Meta(line, "expect", label, null);
            Expectation e = parseExpectation(expectNode.get(), new Step.ExpectOnly(meta));
            return new Step.ExpectOnly(new Meta(line, "expect", label, e));
        }
        Meta bare = new Meta(line, op, label, null);
        Step step = parseOp(op, opKey, opValue == null || tree.isNull(opValue) ? null : opValue, bare);
        if (expectNode.isEmpty()) {
            return step;
        }
        if (step instanceof Step.Check) {
            throw tree.error(expectNode.get(), "check: takes no expect:; its violations are listed under invariants");
        }
        Expectation e = parseExpectation(expectNode.get(), step);
        return withMeta(step, new Meta(line, op, label, e));
    }

    private static Step withMeta(Step s, Meta m) {
        if (s instanceof Step.Mmap x) {
            return new Step.Mmap(m, x.task(), x.name(), x.addr(), x.length(), x.prot(), x.flags(), x.fd(), x.offset());
        } else if (s instanceof Step.Munmap x) {
            return new Step.Munmap(m, x.task(), x.addr(), x.length());
        } else if (s instanceof Step.Madvise x) {
            return new Step.Madvise(m, x.task(), x.addr(), x.length(), x.advice());
        } else if (s instanceof Step.MemfdCreate x) {
            return new Step.MemfdCreate(m, x.task(), x.name(), x.size());
        } else if (s instanceof Step.Touch x) {
            return new Step.Touch(m, x.task(), x.addr(), x.length(), x.write());
        } else if (s instanceof Step.Fork x) {
            return new Step.Fork(m, x.task(), x.child(), x.pid());
        } else if (s instanceof Step.Exit x) {
            return new Step.Exit(m, x.task());
        } else if (s instanceof Step.SetCredentials x) {
            return new Step.SetCredentials(m, x.task(), x.uid(), x.caps());
        } else if (s instanceof Step.Cpuset x) {
            return new Step.Cpuset(m, x.task(), x.mems());
        } else if (s instanceof Step.SetMempolicy x) {
            return new Step.SetMempolicy(m, x.task(), x.mode(), x.nodemask(), x.maxnode());
        } else if (s instanceof Step.GetMempolicy x) {
            return new Step.GetMempolicy(m, x.task(), x.wantMask(), x.maxnode(), x.addr(), x.flags());
        } else if (s instanceof Step.Mbind x) {
            return new Step.Mbind(m, x.task(), x.addr(), x.length(), x.mode(), x.nodemask(), x.maxnode(), x.flags());
        } else if (s instanceof Step.MigratePages x) {
            return new Step.MigratePages(m, x.task(), x.pid(), x.maxnode(), x.oldNodes(), x.newNodes());
        } else if (s instanceof Step.MovePages x) {
            return new Step.MovePages(m, x.task(), x.pid(), x.pages(), x.nodes(), x.flags());
        } else if (s instanceof Step.SetMempolicyHomeNode x) {
            return new Step.SetMempolicyHomeNode(m, x.task(), x.addr(), x.length(), x.homeNode(), x.flags());
        } else if (s instanceof Step.AllocPages x) {
            return new Step.AllocPages(m, x.name(), x.gfp(), x.order(), x.nid(), x.nodemask(), x.cpu(), x.count());
        } else if (s instanceof Step.FreePages x) {
            return new Step.FreePages(m, x.name());
        } else if (s instanceof Step.Repeat x) {
            return new Step.Repeat(m, x.times(), x.seed(), x.workload());
        } else if (s instanceof Step.Show x) {
            return new Step.Show(m, x.what(), x.task());
        } else if (s instanceof Step.Check) {
            return new Step.Check(m);
        } else if (s instanceof Step.DrainPages) {
            return new Step.DrainPages(m);
        } else if (s instanceof Step.PinUserPages x) {
            return new Step.PinUserPages(m, x.task(), x.addr(), x.length(), x.gupFlags(), x.name());
        } else if (s instanceof Step.UnpinUserPages x) {
            return new Step.UnpinUserPages(m, x.name());
        } else if (s instanceof Step.MemoryFailureStep x) {
            return new Step.MemoryFailureStep(m, x.task(), x.addr());
        } else if (s instanceof Step.NestedAlloc x) {
            return new Step.NestedAlloc(m, x.task(), x.addr(), x.length(), x.write(), x.gfp(), x.order(), x.name());
        }
        return new Step.ExpectOnly(m);
    }

    /** The argument mapping of an operation, with its allowed keys checked. */
    private MappingNode args(Node value, Node opKey, String op, Set<String> allowed) {
        if (value == null) {
            throw new ConfigException(tree.source(), tree.line(opKey), tree.column(opKey),
                    op + ": expected its arguments as a mapping ({" + String.join(": ..., ", allowed) + ": ...})");
        }
        MappingNode m = tree.mapping(value);
        tree.allowKeys(m, allowed);
        return m;
    }

    private Step parseOp(String op, Node opKey, Node value, Meta meta) {
        switch (op) {
            case "mmap": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "name", "addr", "length", "prot",
                        "flags", "fd", "offset"));
                String task = task(m);
                Addr addr = tree.get(m, "addr").map(this::addr).orElse(Addr.absolute(0));
                Len length = len(tree.require(m, "length"));
                String fd = null;
                Optional<Node> fdNode = tree.get(m, "fd");
                if (fdNode.isPresent()) {
                    String f = tree.string(fdNode.get()).strip();
                    if (!f.equals("-1")) {
                        fd = memfd(fdNode.get());
                    }
                }
                long prot = tree.get(m, "prot").map(n -> flags(n, Flags.PROT)).orElse((long) (0x1 | 0x2));
                long defFlags = fdNode.isPresent() ? 0x01 : 0x02 | 0x20;
                long flags = tree.get(m, "flags").map(n -> flags(n, Flags.MAP)).orElse(defFlags);
                long offset = tree.get(m, "offset").map(n -> len(n).value()).orElse(0L);
                String name = null;
                Optional<Node> nameNode = tree.get(m, "name");
                if (nameNode.isPresent()) {
                    name = newName(nameNode.get(), "mapping");
                    mappings.put(name, new Mapping(meta.line(), (length.value() + 4095) & -4096L));
                }
                return new Step.Mmap(meta, task, name, addr, length, prot, flags, fd, offset);
            }
            case "munmap": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "addr", "length"));
                Addr addr = addr(tree.require(m, "addr"));
                return new Step.Munmap(meta, task(m), addr, lengthOf(m, addr));
            }
            case "madvise": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "addr", "length", "advice"));
                Addr addr = addr(tree.require(m, "addr"));
                return new Step.Madvise(meta, task(m), addr, lengthOf(m, addr), flags(tree.require(m, "advice"), Flags.MADV));
            }
            case "memfd_create": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "name", "size"));
                String task = task(m);
                String name = newName(tree.require(m, "name"), "memfd");
                long size = tree.size(tree.require(m, "size"));
                memfds.put(name, meta.line());
                return new Step.MemfdCreate(meta, task, name, size);
            }
            case "touch": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "addr", "length", "write"));
                Addr addr = addr(tree.require(m, "addr"));
                boolean write = tree.get(m, "write").map(tree::bool).orElse(true);
                return new Step.Touch(meta, task(m), addr, lengthOf(m, addr), write);
            }
            case "fork": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "child", "pid"));
                String parent = task(m);
                Node childNode = tree.require(m, "child");
                String child = newName(childNode, "task");
                if (liveTasks.containsKey(child) || exitedTasks.containsKey(child)) {
                    int at = liveTasks.containsKey(child) ? liveTasks.get(child) : exitedTasks.get(child);
                    throw tree.error(childNode, "task '" + child + "' already exists (line " + at
                            + "); the child needs a new name");
                }
                int pid = tree.get(m, "pid").map(this::explicitPid).orElse(0);
                liveTasks.put(child, meta.line());
                return new Step.Fork(meta, parent, child, pid);
            }
            case "exit": {
                String task;
                if (value instanceof ScalarNode s) {
                    task = taskRef(s, true);
                } else {
                    task = task(args(value, opKey, op, YamlTree.keys("task")));
                }
                liveTasks.remove(task);
                exitedTasks.put(task, meta.line());
                return new Step.Exit(meta, task);
            }
            case "set_credentials": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "uid", "caps"));
                String task = task(m);
                Integer uid = tree.get(m, "uid").map(n -> tree.intValue(n, 0, Integer.MAX_VALUE)).orElse(null);
                Set<String> caps = null;
                for (NodeTuple t : m.getValue()) {
                    if (((ScalarNode) t.getKeyNode()).getValue().equals("caps")) {
                        caps = tree.isNull(t.getValueNode()) ? Set.of() : caps(t.getValueNode());
                    }
                }
                if (uid == null && caps == null) {
                    throw tree.error(m, "set_credentials needs uid: or caps: (or both)");
                }
                return new Step.SetCredentials(meta, task, uid, caps);
            }
            case "cpuset": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "mems"));
                return new Step.Cpuset(meta, task(m), nodeList(tree.require(m, "mems")));
            }
            case "set_mempolicy": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "mode", "nodemask", "maxnode"));
                String task = task(m);
                long mode = flags(tree.require(m, "mode"), Flags.MPOL_MODE);
                MaskArg mask = mask(m, "nodemask");
                long maxnode = tree.get(m, "maxnode").map(n -> flags(n, Flags.NONE)).orElse(mask.defaultMaxnode());
                return new Step.SetMempolicy(meta, task, mode, mask, maxnode);
            }
            case "get_mempolicy": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "nodemask", "maxnode", "addr", "flags"));
                String task = task(m);
                boolean want = true;
                Optional<Node> nm = tree.get(m, "nodemask");
                boolean explicitNull = hasNullValue(m, "nodemask");
                if (explicitNull) {
                    want = false;
                } else if (nm.isPresent()) {
                    String v = tree.string(nm.get()).strip().toLowerCase(Locale.ROOT);
                    switch (v) {
                        case "true", "buffer" -> want = true;
                        case "false", "null" -> want = false;
                        default -> throw tree.error(nm.get(), "get_mempolicy's nodemask is an output buffer: expected"
                                + " buffer (or true) for a buffer, null (or false) for a NULL pointer, got '" + v + "'");
                    }
                }
                long maxnode = tree.get(m, "maxnode").map(n -> flags(n, Flags.NONE)).orElse(want ? 65L : 0L);
                Addr addr = tree.get(m, "addr").map(this::addr).orElse(Addr.absolute(0));
                long flags = tree.get(m, "flags").map(n -> flags(n, Flags.GET_MEMPOLICY)).orElse(0L);
                return new Step.GetMempolicy(meta, task, want, maxnode, addr, flags);
            }
            case "mbind": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "addr", "length", "mode", "nodemask",
                        "maxnode", "flags"));
                String task = task(m);
                Addr addr = addr(tree.require(m, "addr"));
                Len length = lengthOf(m, addr);
                long mode = flags(tree.require(m, "mode"), Flags.MPOL_MODE);
                MaskArg mask = mask(m, "nodemask");
                long maxnode = tree.get(m, "maxnode").map(n -> flags(n, Flags.NONE)).orElse(mask.defaultMaxnode());
                long flags = tree.get(m, "flags").map(n -> flags(n, Flags.MPOL_MF)).orElse(0L);
                return new Step.Mbind(meta, task, addr, length, mode, mask, maxnode, flags);
            }
            case "migrate_pages": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "pid", "maxnode", "old_nodes", "new_nodes"));
                String task = task(m);
                PidRef pid = tree.get(m, "pid").map(this::pidRef).orElse(PidRef.SELF);
                MaskArg oldNodes = mask(m, "old_nodes");
                MaskArg newNodes = mask(m, "new_nodes");
                long maxnode = tree.get(m, "maxnode").map(n -> flags(n, Flags.NONE))
                        .orElse(Math.max(oldNodes.defaultMaxnode(), newNodes.defaultMaxnode()));
                return new Step.MigratePages(meta, task, pid, maxnode, oldNodes, newNodes);
            }
            case "move_pages": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "pid", "pages", "nodes", "flags"));
                String task = task(m);
                PidRef pid = tree.get(m, "pid").map(this::pidRef).orElse(PidRef.SELF);
                Node pagesNode = tree.require(m, "pages");
                List<Addr> pages = new ArrayList<>();
                for (Node p : tree.items(pagesNode)) {
                    pages.add(addr(p));
                }
                int[] nodes = null;
                Optional<Node> nodesNode = tree.get(m, "nodes");
                if (nodesNode.isPresent()) {
                    List<Node> ns = tree.items(nodesNode.get());
                    if (ns.size() != pages.size()) {
                        throw tree.error(nodesNode.get(), "nodes has " + ns.size() + " entries but pages has "
                                + pages.size() + "; move_pages takes one count for both arrays");
                    }
                    nodes = new int[ns.size()];
                    for (int i = 0; i < nodes.length; i++) {
                        nodes[i] = tree.intValue(ns.get(i));
                    }
                }
                long flags = tree.get(m, "flags").map(n -> flags(n, Flags.MPOL_MF)).orElse(0L);
                return new Step.MovePages(meta, task, pid, List.copyOf(pages), nodes, flags);
            }
            case "set_mempolicy_home_node": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "addr", "length", "home_node", "flags"));
                String task = task(m);
                Addr addr = addr(tree.require(m, "addr"));
                Len length = lengthOf(m, addr);
                long home = flags(tree.require(m, "home_node"), Flags.NONE);
                long flags = tree.get(m, "flags").map(n -> flags(n, Flags.NONE)).orElse(0L);
                return new Step.SetMempolicyHomeNode(meta, task, addr, length, home, flags);
            }
            case "alloc_pages": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("gfp", "order", "nid", "nodemask", "cpu", "count",
                        "name"));
                int gfp = gfp(tree.require(m, "gfp"));
                int order = tree.get(m, "order").map(n -> tree.intValue(n, 0, 63)).orElse(0);
                Node nidNode = tree.require(m, "nid");
                Integer nid = tree.string(nidNode).strip().equals("each") ? null : nid(nidNode);
                NodeMask nodemask = tree.get(m, "nodemask").map(this::nodeList).orElse(null);
                int cpu = tree.get(m, "cpu").map(this::cpu).orElseGet(this::defaultCpu);
                int count = tree.get(m, "count").map(n -> tree.intValue(n, 1, 1 << 24)).orElse(1);
                String name = null;
                Optional<Node> nameNode = tree.get(m, "name");
                if (nameNode.isPresent()) {
                    name = newName(nameNode.get(), "allocation");
                    groups.putIfAbsent(name, meta.line());
                }
                return new Step.AllocPages(meta, name, gfp, order, nid, nodemask, cpu, count);
            }
            case "nested_alloc": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "addr", "length", "write", "gfp", "order",
                        "name"));
                Addr addr = addr(tree.require(m, "addr"));
                boolean write = tree.get(m, "write").map(tree::bool).orElse(true);
                int gfp = gfp(tree.require(m, "gfp"));
                int order = tree.get(m, "order").map(n -> tree.intValue(n, 0, 10)).orElse(0);
                String name = null;
                Optional<Node> nameNode = tree.get(m, "name");
                if (nameNode.isPresent()) {
                    name = newName(nameNode.get(), "allocation");
                    groups.putIfAbsent(name, meta.line());
                }
                return new Step.NestedAlloc(meta, task(m), addr, lengthOf(m, addr), write, gfp, order, name);
            }
            case "free_pages": {
                Node nameNode;
                if (value instanceof ScalarNode) {
                    nameNode = value;
                } else {
                    nameNode = tree.require(args(value, opKey, op, YamlTree.keys("name")), "name");
                }
                return new Step.FreePages(meta, group(nameNode));
            }
            case "pin_user_pages": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "addr", "length", "flags", "name"));
                Addr addr = addr(tree.require(m, "addr"));
                long gup = tree.get(m, "flags").map(n -> flags(n, Flags.FOLL)).orElse(0L);
                String name = null;
                Optional<Node> nameNode = tree.get(m, "name");
                if (nameNode.isPresent()) {
                    name = newName(nameNode.get(), "allocation");
                    groups.putIfAbsent(name, meta.line());
                }
                return new Step.PinUserPages(meta, task(m), addr, lengthOf(m, addr), gup, name);
            }
            case "memory_failure": {
                MappingNode m = args(value, opKey, op, YamlTree.keys("task", "addr"));
                return new Step.MemoryFailureStep(meta, task(m), addr(tree.require(m, "addr")));
            }
            case "unpin_user_pages": {
                Node nameNode = value instanceof ScalarNode ? value
                        : tree.require(args(value, opKey, op, YamlTree.keys("name")), "name");
                return new Step.UnpinUserPages(meta, group(nameNode));
            }
            case "drain_pages": {
                if (value != null) {
                    tree.allowKeys(tree.mapping(value), Set.of());
                }
                return new Step.DrainPages(meta);
            }
            case "check": {
                if (value != null) {
                    MappingNode m = tree.mapping(value);
                    tree.allowKeys(m, Set.of());
                }
                return new Step.Check(meta);
            }
            case "repeat":
                return parseRepeat(args(value, opKey, op, REPEAT_KEYS), meta);
            case "show": {
                if (value instanceof ScalarNode s) {
                    String what = tree.oneOf(s, SHOW);
                    if (SHOW_PER_TASK.contains(what)) {
                        throw tree.error(s, "show: " + what + " needs a task: write show: {what: " + what
                                + ", task: NAME}");
                    }
                    return new Step.Show(meta, what, null);
                }
                MappingNode m = args(value, opKey, op, YamlTree.keys("what", "task"));
                String what = tree.oneOf(tree.require(m, "what"), SHOW);
                String task = null;
                if (SHOW_PER_TASK.contains(what)) {
                    task = taskRef(tree.require(m, "task"), false);
                } else if (tree.get(m, "task").isPresent()) {
                    throw tree.error(tree.get(m, "task").get(), "show: " + what + " is machine-wide and takes no task");
                }
                return new Step.Show(meta, what, task);
            }
            default:
                throw new IllegalStateException(op);
        }
    }

    static final Set<String> REPEAT_KEYS = YamlTree.keys("times", "seed", "workload", "task", "addr", "length",
            "write_ratio", "free_ratio", "working_set", "hot_fraction", "hot_ratio", "gfp", "order", "nid", "cpu",
            "name");

    /** Iterations of one repeat step: 10^9 take minutes; more would look like a hang. */
    static final long MAX_REPEAT_TIMES = 1_000_000_000L;

    private Step parseRepeat(MappingNode m, Meta meta) {
        long times = tree.longValue(tree.require(m, "times"), 0, MAX_REPEAT_TIMES,
                "a repeat step runs at most 10^9 iterations; split longer runs into several steps");
        Long seed = tree.get(m, "seed").map(tree::longValue).orElse(null);
        List<String> kinds = new ArrayList<>();
        for (Workloads.Kind k : Workloads.Kind.values()) {
            kinds.add(k.key());
        }
        Node kindNode = tree.require(m, "workload");
        Workloads.Kind kind = Workloads.Kind.valueOf(tree.oneOf(kindNode, kinds).toUpperCase(Locale.ROOT));
        Set<String> allowed = new LinkedHashSet<>(List.of("times", "seed", "workload"));
        switch (kind) {
            case RANDOM_TOUCH -> allowed.addAll(List.of("task", "addr", "length", "write_ratio"));
            case TOUCH_FREE -> allowed.addAll(List.of("task", "addr", "length", "write_ratio", "free_ratio"));
            case WORKING_SET -> allowed.addAll(List.of("task", "addr", "length", "write_ratio", "working_set"));
            case HOT_COLD -> allowed.addAll(List.of("task", "addr", "length", "write_ratio", "hot_fraction",
                    "hot_ratio"));
            case ALLOC_FREE -> allowed.addAll(List.of("gfp", "order", "nid", "cpu", "free_ratio", "name"));
            default -> throw new IllegalStateException(kind.toString());
        }
        for (NodeTuple t : m.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (!allowed.contains(key)) {
                throw new ConfigException(tree.source(), tree.line(t.getKeyNode()), tree.column(t.getKeyNode()),
                        tree.path(m) + ": '" + key + "' does not apply to workload " + kind.key()
                                + Suggestions.didYouMean(key, allowed) + "; its keys are: " + String.join(", ", allowed));
            }
        }
        if (kind.userMemory()) {
            String task = task(m);
            Addr addr = addr(tree.require(m, "addr"));
            Len length = lengthOf(m, addr);
            double write = ratio(m, "write_ratio", kind == Workloads.Kind.TOUCH_FREE ? 1.0 : 0.5);
            double free = ratio(m, "free_ratio", 0.25);
            long ws = kind == Workloads.Kind.WORKING_SET ? tree.size(tree.require(m, "working_set")) : 0;
            double hotFraction = ratio(m, "hot_fraction", 0.2);
            double hotRatio = ratio(m, "hot_ratio", 0.9);
            return new Step.Repeat(meta, times, seed, new Workloads.Spec(kind, task, addr, length, write, free, ws,
                    hotFraction, hotRatio, 0, 0, 0, 0, null));
        }
        int gfp = gfp(tree.require(m, "gfp"));
        int order = tree.get(m, "order").map(n -> tree.intValue(n, 0, 63)).orElse(0);
        Node nidNode = tree.require(m, "nid");
        String nidText = tree.string(nidNode).strip();
        int nid = nidText.equals("each") ? Workloads.NID_EACH : nidText.equals("random") ? Workloads.NID_RANDOM
                : nid(nidNode);
        int cpu = tree.get(m, "cpu").map(this::cpu).orElseGet(this::defaultCpu);
        double free = ratio(m, "free_ratio", 0.5);
        String name = null;
        Optional<Node> nameNode = tree.get(m, "name");
        if (nameNode.isPresent()) {
            name = newName(nameNode.get(), "allocation");
            groups.putIfAbsent(name, meta.line());
        }
        return new Step.Repeat(meta, times, seed, new Workloads.Spec(kind, null, null, null, 0, free, 0, 0, 0, gfp,
                order, nid, cpu, name));
    }

    private double ratio(MappingNode m, String key, double def) {
        Optional<Node> n = tree.get(m, key);
        if (n.isEmpty()) {
            return def;
        }
        String s = tree.string(n.get()).strip();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw tree.error(n.get(), "expected a fraction between 0 and 1 (such as 0.25), got '" + s + "'");
        }
        if (!(v >= 0 && v <= 1)) {
            throw tree.error(n.get(), "expected a fraction between 0 and 1 (such as 0.25), got " + s);
        }
        return v;
    }

    // ---- argument readers ---------------------------------------------------------------------

    private String task(MappingNode m) {
        return taskRef(tree.require(m, "task"), true);
    }

    /** A task name that exists at this step; {@code mustBeAlive} for the caller of a syscall. */
    private String taskRef(Node n, boolean mustBeAlive) {
        String name = tree.string(n).strip();
        if (liveTasks.containsKey(name)) {
            return name;
        }
        if (exitedTasks.containsKey(name)) {
            if (!mustBeAlive) {
                return name;
            }
            throw tree.error(n, "task '" + name + "' exited at line " + exitedTasks.get(name)
                    + "; an exited task makes no system calls");
        }
        Integer later = laterNames.get("task:" + name);
        if (later != null) {
            throw tree.error(n, "task '" + name + "' does not exist yet: the fork at line " + later + " creates it");
        }
        Set<String> known = new LinkedHashSet<>(liveTasks.keySet());
        known.addAll(exitedTasks.keySet());
        throw tree.error(n, "undefined task '" + name + "'" + Suggestions.didYouMean(name, known)
                + "; tasks here: " + (known.isEmpty() ? "none" : String.join(", ", known))
                + " (declare tasks under tasks:, or create one with fork)");
    }

    private PidRef pidRef(Node n) {
        String s = tree.string(n).strip();
        if (s.equals("self") || s.equals("0")) {
            return PidRef.SELF;
        }
        if (s.matches("-?[0-9]+")) {
            return new PidRef(null, tree.longValue(n, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        return new PidRef(taskRef(n, false), 0);
    }

    private String memfd(Node n) {
        String name = tree.string(n).strip();
        if (memfds.containsKey(name)) {
            return name;
        }
        throw undefined(n, name, "memfd", memfds.keySet(), "create it with memfd_create, or use fd: -1");
    }

    private String group(Node n) {
        String name = tree.string(n).strip();
        if (groups.containsKey(name)) {
            return name;
        }
        throw undefined(n, name, "allocation", groups.keySet(), "name one with alloc_pages: {..., name: NAME}");
    }

    private ConfigException undefined(Node n, String name, String kind, Set<String> known, String hint) {
        Integer later = laterNames.get(kind + ":" + name);
        if (later != null) {
            return tree.error(n, kind + " '" + name + "' is not defined yet: the step at line " + later
                    + " defines it");
        }
        return tree.error(n, "undefined " + kind + " '" + name + "'" + Suggestions.didYouMean(name, known)
                + "; defined so far: " + (known.isEmpty() ? "none" : String.join(", ", known)) + " (" + hint + ")");
    }

    private Addr addr(Node n) {
        Addr a;
        try {
            a = Args.parseAddr(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
        if (a.mapping() != null && !mappings.containsKey(a.mapping())) {
            throw undefined(n, a.mapping(), "mapping", mappings.keySet(), "name one with mmap: {..., name: NAME}");
        }
        return a;
    }

    private Len len(Node n) {
        try {
            return Args.parseLen(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
    }

    /** The length key, or for a bare mapping name the mapping's length. */
    private Len lengthOf(MappingNode m, Addr addr) {
        Optional<Node> n = tree.get(m, "length");
        if (n.isPresent()) {
            return len(n.get());
        }
        if (addr.isBareMapping()) {
            long l = mappings.get(addr.mapping()).length();
            return new Len(l, org.mmproto.core.config.Sizes.format(l));
        }
        throw tree.error(m, "missing required key 'length' in " + tree.path(m)
                + " (it may be left out only when addr is a bare mapping name)");
    }

    private long flags(Node n, Flags vocab) {
        try {
            return vocab.parse(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
    }

    private int gfp(Node n) {
        try {
            return Gfp.parse(tree.string(n)).bits();
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
    }

    /** A node id argument: any int (a nonexistent node is the allocator's or syscall's business). */
    private int nid(Node n) {
        return tree.intValue(n);
    }

    private boolean hasNullValue(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (((ScalarNode) t.getKeyNode()).getValue().equals(key)) {
                Node v = t.getValueNode();
                return tree.isNull(v);
            }
        }
        return false;
    }

    /** A nodemask pointer: absent/null = NULL, {@code fault}, a numactl list, or {words: [...]}. */
    private MaskArg mask(MappingNode m, String key) {
        Optional<Node> opt = tree.get(m, key);
        if (opt.isEmpty()) {
            return MaskArg.NULL;
        }
        Node n = opt.get();
        if (n instanceof MappingNode wm) {
            tree.allowKeys(wm, YamlTree.keys("words"));
            Node wn = tree.require(wm, "words");
            List<Node> items = tree.items(wn);
            long[] words = new long[items.size()];
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < words.length; i++) {
                try {
                    words[i] = Flags.NONE.parse(tree.string(items.get(i)));
                } catch (IllegalArgumentException e) {
                    throw tree.error(items.get(i), e.getMessage());
                }
                shown.add("0x" + Long.toHexString(words[i]));
            }
            return new MaskArg(MaskArg.Kind.WORDS, words, "{words: [" + String.join(", ", shown) + "]}");
        }
        if (n instanceof SequenceNode) {
            throw tree.error(n, "expected a node list string such as \"0-1,3\" (not a YAML list), null, fault, or"
                    + " {words: [0x3]}");
        }
        String s = tree.string(n).strip();
        if (s.equals("null") || s.equals("NULL")) {
            return MaskArg.NULL;
        }
        if (s.equals("fault")) {
            return new MaskArg(MaskArg.Kind.FAULT, null, "fault");
        }
        try {
            return Args.parseMaskList(s);
        } catch (IllegalArgumentException e) {
            throw tree.error(n, "expected a nodemask: a node list such as \"0-1,3\" (\"\" for an empty mask), null"
                    + " for a NULL pointer, fault for an unreadable pointer, or {words: [0x3]}: " + e.getMessage());
        }
    }

    // ---- expectations -------------------------------------------------------------------------

    private Expectation parseExpectation(Node n, Step step) {
        boolean opStep = !(step instanceof Step.ExpectOnly) && !(step instanceof Step.Show);
        List<Item> items = new ArrayList<>();
        if (n instanceof ScalarNode s) {
            if (!opStep) {
                throw tree.error(n, (step instanceof Step.Show ? "show" : "an expect step") + " has no result;"
                        + " expected a mapping of values to compare");
            }
            items.add(new Item(tree.line(n), new Expectations.Result(), result(s)));
            return new Expectation(tree.line(n), items, true, Map.of());
        }
        MappingNode m = tree.mapping(n);
        Set<String> allowed = new LinkedHashSet<>();
        if (opStep) {
            allowed.add("result");
        }
        allowed.addAll(opFields(step));
        allowed.addAll(List.of("vmstat", "vmstat_delta"));
        if (opStep) {
            allowed.add("vmstat_step");
        }
        allowed.addAll(List.of("nodes", "resident", "tasks", "breaches", "hooks"));
        boolean hasResult = false;
        Map<String, Expectation> perDesign = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            Node keyNode = t.getKeyNode();
            String key = ((ScalarNode) keyNode).getValue();
            Node v = t.getValueNode();
            int line = tree.line(keyNode);
            if (Expectations.DESIGN_NAMES.contains(key)) {
                perDesign.put(key, parseExpectation(v, step));
                continue;
            }
            if (!allowed.contains(key)) {
                throw new ConfigException(tree.source(), line, tree.column(keyNode),
                        tree.path(m) + ": unknown key '" + key + "' in expect" + Suggestions.didYouMean(key, allowed)
                                + "; expected one of: " + String.join(", ", allowed));
            }
            switch (key) {
                case "result" -> {
                    hasResult = true;
                    items.add(new Item(line, new Expectations.Result(), result(tree.scalar(v))));
                }
                case "vmstat" -> counters(v, Expectations.Scope.ABSOLUTE, items);
                case "vmstat_delta" -> counters(v, Expectations.Scope.DELTA, items);
                case "vmstat_step" -> counters(v, Expectations.Scope.STEP, items);
                case "nodes" -> nodes(v, items);
                case "resident" -> {
                    if (v instanceof SequenceNode) {
                        for (Node r : tree.items(v)) {
                            resident(r, items);
                        }
                    } else {
                        resident(v, items);
                    }
                }
                case "tasks" -> taskValues(v, items);
                case "breaches" -> breaches(v, items);
                case "hooks" -> hookCalls(v, items);
                default -> items.add(new Item(line, new Expectations.Field(key), opField(step, key, v)));
            }
        }
        return new Expectation(tree.line(m), items, hasResult, perDesign);
    }

    private Expected result(ScalarNode s) {
        try {
            return Expectations.parseResult(s.getValue());
        } catch (IllegalArgumentException e) {
            throw tree.error(s, e.getMessage());
        }
    }

    private Expected compare(Node n, boolean pages) {
        try {
            return Expectations.parseCompare(tree.string(n), pages);
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
    }

    /** Op-specific output fields an expectation may compare. */
    private static List<String> opFields(Step step) {
        if (step instanceof Step.MovePages) {
            return List.of("status");
        } else if (step instanceof Step.GetMempolicy) {
            return List.of("mode", "node", "nodemask");
        } else if (step instanceof Step.AllocPages || step instanceof Step.PinUserPages || step instanceof Step.NestedAlloc) {
            return List.of("landed");
        } else if (step instanceof Step.Repeat) {
            return List.of("errors", "touches", "writes", "frees", "allocs");
        } else if (step instanceof Step.Show) {
            return List.of("contains");
        }
        return List.of();
    }

    private Expected opField(Step step, String key, Node v) {
        switch (key) {
            case "status":
            case "landed": {
                List<Expected> entries = new ArrayList<>();
                for (Node e : tree.items(v)) {
                    if (tree.isNull(e)) {
                        entries.add(new Expectations.Unwritten());
                        continue;
                    }
                    try {
                        entries.add(Expectations.parseEntry(tree.string(e)));
                    } catch (IllegalArgumentException ex) {
                        throw tree.error(e, ex.getMessage() + " (entries: a node id, -EFAULT and other -ERRNO, unwritten,"
                                + " any, or a comparison)");
                    }
                }
                if (step instanceof Step.MovePages mp && entries.size() != mp.pages().size()) {
                    throw tree.error(v, "status has " + entries.size() + " entries but move_pages is given "
                            + mp.pages().size() + " pages");
                }
                return new Expectations.ListOf(entries);
            }
            case "mode": {
                String s = tree.string(v).strip();
                if (s.matches("[<>=!].*|.*\\.\\..*")) {
                    return compare(v, false);
                }
                return Expectations.Compare.eq(flags(v, Flags.MPOL_MODE));
            }
            case "node":
                return compare(v, false);
            case "nodemask": {
                String s = tree.string(v).strip();
                try {
                    return new Expectations.Text(NodeMask.formatList(NodeMask.parseList(s, Args.MAX_LIST_BIT)));
                } catch (IllegalArgumentException e) {
                    throw tree.error(v, "expected a node list such as \"0-1\" (\"\" for an empty mask): " + e.getMessage());
                }
            }
            case "contains": {
                List<String> parts = new ArrayList<>();
                if (v instanceof SequenceNode) {
                    for (Node p : tree.items(v)) {
                        parts.add(tree.string(p));
                    }
                } else {
                    parts.add(tree.string(v));
                }
                return new Expectations.Contains(parts);
            }
            default:
                return compare(v, false);
        }
    }

    private void counters(Node v, Expectations.Scope scope, List<Item> items) {
        MappingNode m = tree.mapping(v);
        for (NodeTuple t : m.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (!VMSTAT_KEYS.contains(key)) {
                throw new ConfigException(tree.source(), tree.line(t.getKeyNode()), tree.column(t.getKeyNode()),
                        tree.path(m) + ": unknown counter '" + key + "'" + Suggestions.didYouMean(key, VMSTAT_KEYS)
                                + "; the engine counts: " + String.join(", ", VMSTAT_KEYS));
            }
            items.add(new Item(tree.line(t.getKeyNode()), new Expectations.Vmstat(key, scope),
                    compare(t.getValueNode(), key.endsWith("_pages"))));
        }
    }

    private void nodes(Node v, List<Item> items) {
        MappingNode m = tree.mapping(v);
        List<String> keys = new ArrayList<>();
        for (String k : NODE_KEYS) {
            keys.add(k);
            keys.add(k + "_delta");
        }
        for (String k : VMSTAT_KEYS) {
            keys.add(k);
            keys.add(k + "_delta");
        }
        for (NodeTuple t : m.getValue()) {
            Node nidNode = t.getKeyNode();
            int nid = tree.intValue(nidNode, 0, Integer.MAX_VALUE);
            if (nid >= machine.nodeCount()) {
                throw tree.error(nidNode, "node " + nid + " does not exist on machine " + machine.name() + " (nodes 0-"
                        + (machine.nodeCount() - 1) + ")");
            }
            MappingNode nm = tree.mapping(t.getValueNode());
            for (NodeTuple f : nm.getValue()) {
                String key = ((ScalarNode) f.getKeyNode()).getValue();
                if (!keys.contains(key)) {
                    throw new ConfigException(tree.source(), tree.line(f.getKeyNode()), tree.column(f.getKeyNode()),
                            tree.path(nm) + ": unknown node value '" + key + "'" + Suggestions.didYouMean(key, keys)
                                    + "; expected total_pages, free_pages, pcp_pages, used_pages, a vmstat counter, or one of"
                                    + " these with _delta (change since the run began)");
                }
                boolean delta = key.endsWith("_delta");
                String base = delta ? key.substring(0, key.length() - "_delta".length()) : key;
                items.add(new Item(tree.line(f.getKeyNode()), new Expectations.NodeValue(nid, base, delta),
                        compare(f.getValueNode(), base.endsWith("_pages"))));
            }
        }
    }

    private void resident(Node v, List<Item> items) {
        MappingNode m = tree.mapping(v);
        tree.allowKeys(m, RESIDENT_KEYS);
        String task = taskRef(tree.require(m, "task"), false);
        Addr addr = addr(tree.require(m, "addr"));
        Len length = lengthOf(m, addr);
        boolean any = false;
        for (String k : List.of("pages", "zero_pages", "huge_pages")) {
            Optional<Node> n = tree.get(m, k);
            if (n.isPresent()) {
                any = true;
                items.add(new Item(tree.line(n.get()), new Expectations.Resident(task, addr, length, k, -1),
                        compare(n.get(), true)));
            }
        }
        Optional<Node> nodes = tree.get(m, "nodes");
        if (nodes.isPresent()) {
            for (NodeTuple t : tree.mapping(nodes.get()).getValue()) {
                any = true;
                int nid = tree.intValue(t.getKeyNode(), 0, Integer.MAX_VALUE);
                if (nid >= machine.nodeCount()) {
                    throw tree.error(t.getKeyNode(), "node " + nid + " does not exist on machine " + machine.name());
                }
                items.add(new Item(tree.line(t.getKeyNode()), new Expectations.Resident(task, addr, length, "node", nid),
                        compare(t.getValueNode(), true)));
            }
        }
        if (!any) {
            throw tree.error(m, "resident: nothing to compare; expected pages:, zero_pages:, huge_pages: or nodes:");
        }
    }

    private void breaches(Node v, List<Item> items) {
        MappingNode m = tree.mapping(v);
        tree.allowKeys(m, Expectations.BREACH_KINDS);
        for (NodeTuple t : m.getValue()) {
            String kind = ((ScalarNode) t.getKeyNode()).getValue();
            items.add(new Item(tree.line(t.getKeyNode()), new Expectations.Breaches(kind), compare(t.getValueNode(), false)));
        }
    }

    private void hookCalls(Node v, List<Item> items) {
        MappingNode m = tree.mapping(v);
        List<String> names = java.util.Arrays.stream(org.mmproto.api.driver.Hook.values())
                .map(org.mmproto.api.driver.Hook::kernelName).toList();
        tree.allowKeys(m, names);
        for (NodeTuple t : m.getValue()) {
            String hook = ((ScalarNode) t.getKeyNode()).getValue();
            items.add(new Item(tree.line(t.getKeyNode()), new Expectations.HookCalls(hook), compare(t.getValueNode(), false)));
        }
    }

    private void taskValues(Node v, List<Item> items) {
        MappingNode m = tree.mapping(v);
        for (NodeTuple t : m.getValue()) {
            String task = taskRef(t.getKeyNode(), false);
            MappingNode tm = tree.mapping(t.getValueNode());
            tree.allowKeys(tm, TASK_VALUE_KEYS);
            for (NodeTuple f : tm.getValue()) {
                String key = ((ScalarNode) f.getKeyNode()).getValue();
                Node fv = f.getValueNode();
                Expected e = key.equals("exited") ? new Expectations.Bool(tree.bool(fv)) : compare(fv, key.endsWith("_pages"));
                items.add(new Item(tree.line(f.getKeyNode()), new Expectations.TaskValue(task, key), e));
            }
        }
    }

    /** For tests: the probes of an expectation, described. */
    static List<String> describe(Expectation e) {
        List<String> out = new ArrayList<>();
        for (Item i : e.items()) {
            Probe p = i.probe();
            out.add(p.describe() + " " + i.expected().describe());
        }
        return out;
    }
}
