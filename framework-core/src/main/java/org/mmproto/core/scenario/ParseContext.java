package org.mmproto.core.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.config.Suggestions;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Args.MaskArg;
import org.mmproto.core.scenario.Args.PidRef;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * What a step type parses with: the YAML tree, the machine, and the static state as the steps
 * are read in order (which tasks, mappings, memfds and allocation groups exist at this step), with
 * the argument readers that check names against it. Every problem is a {@link ConfigException} at
 * its file:line:column.
 */
public final class ParseContext {
    static final Set<String> CAPS = YamlTree.keys("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
            "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
            "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    private final YamlTree tree;
    private final MachineSpec machine;
    private final TreeSet<Integer> cpus = new TreeSet<>();

    private final Map<String, Integer> liveTasks = new LinkedHashMap<>();
    private final Map<String, Integer> exitedTasks = new HashMap<>();
    private final Map<String, Mapping> mappings = new LinkedHashMap<>();
    private final Map<String, Integer> memfds = new LinkedHashMap<>();
    private final Map<String, Integer> groups = new LinkedHashMap<>();
    private final Set<Integer> explicitPids = new LinkedHashSet<>();
    /** Names that later steps define (for "defined later" hints): kind:name -> line. */
    private final Map<String, Integer> laterNames = new HashMap<>();

    public record Mapping(int line, long length) {
    }

    private Path baseDir = Path.of("");

    ParseContext(YamlTree tree, MachineSpec machine) {
        this.tree = tree;
        this.machine = machine;
        for (NodeSpec n : machine.nodes()) {
            cpus.addAll(n.cpus());
        }
    }

    void baseDir(Path dir) {
        this.baseDir = dir;
    }

    /** A path the scenario names (a trace file), relative to the scenario file's directory. */
    public Path path(String name) {
        return baseDir.resolve(name);
    }

    public YamlTree tree() {
        return tree;
    }

    public MachineSpec machine() {
        return machine;
    }

    // ---- what exists at this step ---------------------------------------------------------------

    /** Notes that the step at {@code line} defines {@code kind} {@code name} (the prescan, for hints). */
    void definedLater(String kind, String name, int line) {
        laterNames.putIfAbsent(kind + ":" + name, line);
    }

    /** The line where task {@code name} was declared or forked, alive or exited; null if none. */
    public Integer taskLine(String name) {
        return liveTasks.containsKey(name) ? liveTasks.get(name) : exitedTasks.get(name);
    }

    /** The line where live task {@code name} was declared; null if none. */
    Integer liveTaskLine(String name) {
        return liveTasks.get(name);
    }

    /** A task exists from this step on (declared under tasks:, or forked at {@code line}). */
    public void taskCreated(String name, int line) {
        liveTasks.put(name, line);
    }

    /** A task exits at {@code line}: later system calls from it are errors. */
    public void taskExited(String name, int line) {
        liveTasks.remove(name);
        exitedTasks.put(name, line);
    }

    /** An mmap at {@code line} names its mapping, of {@code length} bytes rounded up to pages. */
    public void mappingDefined(String name, int line, long length) {
        mappings.put(name, new Mapping(line, length));
    }

    public void memfdDefined(String name, int line) {
        memfds.put(name, line);
    }

    /** The optional {@code name:} of a step that keeps allocations under a name (checked, then defined). */
    public String newGroup(MappingNode m, int line) {
        String name = null;
        Optional<Node> nameNode = tree.get(m, "name");
        if (nameNode.isPresent()) {
            name = newName(nameNode.get(), "allocation");
            groups.putIfAbsent(name, line);
        }
        return name;
    }

    // ---- argument readers -----------------------------------------------------------------------

    /** The argument mapping of an operation, with its allowed keys checked. */
    public MappingNode args(Node value, Node opKey, String op, Set<String> allowed) {
        if (value == null) {
            throw new ConfigException(tree.source(), tree.line(opKey), tree.column(opKey),
                    op + ": expected its arguments as a mapping ({" + String.join(": ..., ", allowed) + ": ...})");
        }
        MappingNode m = tree.mapping(value);
        tree.allowKeys(m, allowed);
        return m;
    }

    public int explicitPid(Node n) {
        int pid = tree.intValue(n, 1, 4194304);
        if (!explicitPids.add(pid)) {
            throw tree.error(n, "pid " + pid + " is already given to another task; pids must be unique");
        }
        return pid;
    }

    public int defaultCpu() {
        if (cpus.isEmpty()) {
            throw new ConfigException(tree.source(), 0, 0, "machine " + machine.name() + " has no CPUs; tasks need one");
        }
        return cpus.first();
    }

    public int cpu(Node n) {
        int cpu = tree.intValue(n, 0, Integer.MAX_VALUE);
        if (!cpus.contains(cpu)) {
            throw tree.error(n, "cpu " + cpu + " does not exist on machine " + machine.name() + "; its cpus are "
                    + NodeMask.formatList(cpus.stream().mapToInt(Integer::intValue).toArray()));
        }
        return cpu;
    }

    public Set<String> caps(Node n) {
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

    public NodeMask nodeList(Node n) {
        try {
            return NodeMask.parse(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, "expected a node list such as 0-1,3: " + e.getMessage());
        }
    }

    public String newName(Node n, String kind) {
        String s = tree.string(n).strip();
        if (!Args.IDENT.matcher(s).matches()) {
            throw tree.error(n, "'" + s + "' is not a valid " + kind + " name; expected letters, digits and _"
                    + " (starting with a letter), so that expressions such as buf+4KiB stay unambiguous");
        }
        return s;
    }

    public double ratio(MappingNode m, String key, double def) {
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

    public String task(MappingNode m) {
        return taskRef(tree.require(m, "task"), true);
    }

    /** A task name that exists at this step; {@code mustBeAlive} for the caller of a syscall. */
    public String taskRef(Node n, boolean mustBeAlive) {
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

    public PidRef pidRef(Node n) {
        String s = tree.string(n).strip();
        if (s.equals("self") || s.equals("0")) {
            return PidRef.SELF;
        }
        if (s.matches("-?[0-9]+")) {
            return new PidRef(null, tree.longValue(n, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        return new PidRef(taskRef(n, false), 0);
    }

    public String memfd(Node n) {
        String name = tree.string(n).strip();
        if (memfds.containsKey(name)) {
            return name;
        }
        throw undefined(n, name, "memfd", memfds.keySet(), "create it with memfd_create, or use fd: -1");
    }

    public String group(Node n) {
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

    public Addr addr(Node n) {
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

    public Len len(Node n) {
        try {
            return Args.parseLen(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
    }

    /** The length key, or for a bare mapping name the mapping's length. */
    public Len lengthOf(MappingNode m, Addr addr) {
        Optional<Node> n = tree.get(m, "length");
        if (n.isPresent()) {
            return len(n.get());
        }
        if (addr.isBareMapping()) {
            long l = mappings.get(addr.mapping()).length();
            return new Len(l, Sizes.format(l));
        }
        throw tree.error(m, "missing required key 'length' in " + tree.path(m)
                + " (it may be left out only when addr is a bare mapping name)");
    }

    public long flags(Node n, Flags vocab) {
        try {
            return vocab.parse(tree.string(n));
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
    }

    public int gfp(Node n) {
        try {
            return Gfp.parse(tree.string(n)).bits();
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
    }

    /** A node id argument: any int (a nonexistent node is the allocator's or syscall's business). */
    public int nid(Node n) {
        return tree.intValue(n);
    }

    public boolean hasNullValue(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (((ScalarNode) t.getKeyNode()).getValue().equals(key)) {
                Node v = t.getValueNode();
                return tree.isNull(v);
            }
        }
        return false;
    }

    /** A nodemask pointer: absent/null = NULL, {@code fault}, a numactl list, or {words: [...]}. */
    public MaskArg mask(MappingNode m, String key) {
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

}
