package org.mmproto.core.scenario;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.config.Suggestions;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.MachineYamlParser;
import org.mmproto.core.machine.NumactlHardwareParser;
import org.mmproto.core.scenario.Expectations.Expectation;
import org.mmproto.core.scenario.Step.Meta;
import org.mmproto.core.scenario.step.StepType;
import org.mmproto.core.scenario.step.StepTypes;
import org.mmproto.core.task.TransparentHugepage;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a scenario file (format: {@code scenarios/README.md}) into a checked {@link Scenario}.
 *
 * <p>Everything that can be known before the run is checked here, each problem a
 * {@link ConfigException} at its file:line:column: unknown steps and keys (with a did-you-mean),
 * wrong value types, tasks used before they exist or after they exited, undefined mapping, memfd
 * and allocation names, malformed address expressions, unknown flag names. Invalid syscall
 * <em>values</em> (unaligned addresses, unknown flag bits, bad nodes) are not errors: they are
 * passed to the syscall, which answers with the kernel's errno.
 *
 * <p>This class reads the file's frame (machine, tasks, drivers) and finds each step's operation;
 * the operation's {@link StepType} reads its arguments and {@link ExpectationParser} its
 * {@code expect:}.
 */
public final class ScenarioParser {
    static final Set<String> TOP_KEYS = YamlTree.keys("name", "description", "machine", "seed", "thp",
            "check_each_step", "tasks", "steps", "design", "drivers");
    static final Set<String> DRIVER_KEYS = YamlTree.keys("plugin", "node", "config");
    static final Set<String> TASK_KEYS = YamlTree.keys("name", "pid", "cpu", "uid", "caps", "mems");
    /** Operation keys, in the order the README documents them. */
    public static final List<String> OPS = StepTypes.BUILT_IN.ops();
    static final List<String> THP = List.of("always", "madvise", "never");

    private final YamlTree tree;
    private final Path baseDir;
    private final StepTypes types = StepTypes.BUILT_IN;
    private MachineSpec machine;
    /** What exists at each step as the steps are read in order; set once the machine is read. */
    private ParseContext ctx;
    private ExpectationParser expectations;

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
        ctx = new ParseContext(tree, machine);
        ctx.baseDir(baseDir);
        expectations = new ExpectationParser(ctx);
        long seed = tree.get(top, "seed").map(tree::longValue).orElse(1L);
        TransparentHugepage.Mode thp = tree.get(top, "thp").map(n -> tree.oneOf(n, THP))
                .map(s -> TransparentHugepage.Mode.valueOf(s.toUpperCase(Locale.ROOT))).orElse(null);
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
        Map<String, Object> config = new LinkedHashMap<>();
        Optional<Node> cfg = tree.get(m, "config");
        if (cfg.isPresent()) {
            for (var e : tree.entries(tree.mapping(cfg.get())).entrySet()) {
                config.put(e.getKey(), plainValue(e.getValue()));
            }
        }
        return new Scenario.DriverDecl(tree.line(item), plugin, nid, config);
    }

    /**
     * A driver config value: integer, decimal fraction, boolean, size or string, as plain Java values; a mapping
     * (e.g. compressed-ram's {@code content: {zero: 0.1, ...}}) an unmodifiable map of them.
     */
    private Object plainValue(Node v) {
        if (v instanceof MappingNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            tree.entries(m).forEach((k, n) -> out.put(k, plainValue(n)));
            return java.util.Collections.unmodifiableMap(out);
        }
        String text = tree.string(v).strip();
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (text.matches("[-+]?(\\d+\\.\\d*|\\.\\d+)")) {
            return Double.parseDouble(text); // a fraction (0.7)
        }
        try {
            return Long.decode(text.replace("_", ""));
        } catch (NumberFormatException e) {
            try {
                return Sizes.parse(text);
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
        String name = ctx.newName(nameNode, "task");
        if (ctx.liveTaskLine(name) != null) {
            throw tree.error(nameNode, "task '" + name + "' is already declared at line " + ctx.liveTaskLine(name)
                    + "; task names must be unique");
        }
        int pid = tree.get(m, "pid").map(n -> ctx.explicitPid(n)).orElse(0);
        int cpu = tree.get(m, "cpu").map(ctx::cpu).orElseGet(ctx::defaultCpu);
        int uid = tree.get(m, "uid").map(n -> tree.intValue(n, 0, Integer.MAX_VALUE)).orElse(1000);
        Set<String> caps = tree.get(m, "caps").map(ctx::caps).orElse(Set.of());
        NodeMask mems = tree.get(m, "mems").map(ctx::nodeList).orElse(null);
        ctx.taskCreated(name, tree.line(item));
        return new Scenario.TaskDecl(tree.line(item), name, pid, cpu, uid, caps, mems);
    }

    // ---- steps --------------------------------------------------------------------------------

    /** Records which names later steps define, so a use before the definition can say where it is. */
    private void prescan(List<Node> items) {
        for (Node item : items) {
            if (!(item instanceof MappingNode m)) {
                continue;
            }
            for (NodeTuple t : m.getValue()) {
                StepType type = types.get(((ScalarNode) t.getKeyNode()).getValue());
                if (type == null || type.definesKey() == null || !(t.getValueNode() instanceof MappingNode args)) {
                    continue;
                }
                for (NodeTuple a : args.getValue()) {
                    if (((ScalarNode) a.getKeyNode()).getValue().equals(type.definesKey())
                            && a.getValueNode() instanceof ScalarNode s) {
                        ctx.definedLater(type.definesKind(), s.getValue().strip(), tree.line(item));
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
            if (key.equals("expect") || key.equals("observe") || key.equals("name")) {
                continue;
            }
            if (!OPS.contains(key)) {
                List<String> all = new ArrayList<>(OPS);
                all.add("name");
                String what = op == null ? "unknown operation '" + key + "'" : "unknown key '" + key + "' in a step";
                throw new ConfigException(tree.source(), tree.line(t.getKeyNode()), tree.column(t.getKeyNode()),
                        tree.path(m) + ": " + what + Suggestions.didYouMean(key, all) + "; expected one of: "
                                + String.join(", ", OPS) + " (plus expect:, observe: and name: beside the operation)");
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
        Optional<Node> observeNode = tree.get(m, "observe");
        String label = tree.get(m, "name").map(tree::string).map(String::strip).orElse(null);
        int line = tree.line(item);
        if (op == null) {
            if (expectNode.isEmpty() && observeNode.isEmpty()) {
                throw tree.error(m, "a step needs an operation; expected one of: " + String.join(", ", OPS));
            }
            op = "expect";
        }
        Meta bare = new Meta(line, op, label, null);
        Step step = types.get(op).parser().parse(ctx, bare, opKey, opValue == null || tree.isNull(opValue) ? null
                : opValue);
        if (expectNode.isEmpty() && observeNode.isEmpty()) {
            return step;
        }
        if (step.refusesExpect() != null) {
            Node where = expectNode.orElseGet(observeNode::get);
            throw tree.error(where, op + ": takes no " + (expectNode.isPresent() ? "expect" : "observe") + ":; "
                    + step.refusesExpect());
        }
        Expectation e = expectNode.map(n -> expectations.parse(n, step)).orElse(null);
        Expectation obs = observeNode.map(n -> expectations.parse(n, step)).orElse(null);
        return step.withMeta(new Meta(line, op, label, e, obs));
    }

    /** For tests: the probes of an expectation, described. */
    static List<String> describe(Expectation e) {
        return ExpectationParser.describe(e);
    }
}
