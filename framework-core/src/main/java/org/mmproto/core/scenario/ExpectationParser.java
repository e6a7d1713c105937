package org.mmproto.core.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.driver.Hook;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.Suggestions;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.migrate.ReasonCounts;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Expectations.Expectation;
import org.mmproto.core.scenario.Expectations.Expected;
import org.mmproto.core.scenario.Expectations.Item;
import org.mmproto.core.stats.VmStat;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a step's {@code expect:} (format: {@code scenarios/README.md}) into an {@link Expectation}:
 * the step's result, counters, node and task values, resident pages, breaches and hook calls, and
 * the op-specific fields the step names ({@link Step#expectFields()}), which the step reads itself.
 * Names are checked against what exists at the step, as for the step's own arguments.
 */
public final class ExpectationParser {
    static final List<String> NODE_KEYS = List.of("total_pages", "free_pages", "pcp_pages", "used_pages");
    static final List<String> RESIDENT_KEYS = List.of("task", "addr", "length", "pages", "zero_pages",
            "huge_pages", "nodes");
    static final List<String> TASK_VALUE_KEYS = List.of("rss_pages", "exited", "uid", "pid");
    /** Counter names an expectation may read: nr_free_pages and every item the engine counts. */
    static final List<String> VMSTAT_KEYS;
    /** What vmstat/vmstat_delta/vmstat_step may read: the vmstat items and the per-reason migration counts. */
    static final List<String> COUNTER_KEYS;

    static {
        List<String> k = new ArrayList<>();
        k.add("nr_free_pages");
        for (VmStat v : VmStat.values()) {
            k.add(v.key());
        }
        VMSTAT_KEYS = List.copyOf(k);
        for (MigrateReason r : MigrateReason.values()) {
            k.add(ReasonCounts.key(r, true));
            k.add(ReasonCounts.key(r, false));
        }
        COUNTER_KEYS = List.copyOf(k);
    }

    private final ParseContext p;
    private final YamlTree tree;
    private final MachineSpec machine;

    ExpectationParser(ParseContext p) {
        this.p = p;
        this.tree = p.tree();
        this.machine = p.machine();
    }

    public YamlTree tree() {
        return tree;
    }

    /** The step's parse context: the argument readers, for op-specific fields. */
    public ParseContext context() {
        return p;
    }

    /** The {@code expect:} of {@code step}: a bare result, or a mapping of values to compare. */
    Expectation parse(Node n, Step step) {
        boolean opStep = step.hasResult();
        List<Item> items = new ArrayList<>();
        if (n instanceof ScalarNode s) {
            if (!opStep) {
                throw tree.error(n, (step.op().equals("expect") ? "an expect step" : step.op()) + " has no result;"
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
        allowed.addAll(step.expectFields());
        allowed.addAll(List.of("vmstat", "vmstat_delta"));
        if (opStep) {
            allowed.add("vmstat_step");
        }
        allowed.addAll(List.of("nodes", "resident", "tasks", "breaches", "hooks", "driver"));
        boolean hasResult = false;
        Map<String, Expectation> perDesign = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            Node keyNode = t.getKeyNode();
            String key = ((ScalarNode) keyNode).getValue();
            Node v = t.getValueNode();
            int line = tree.line(keyNode);
            if (Expectations.DESIGN_NAMES.contains(key)) {
                perDesign.put(key, parse(v, step));
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
                case "driver" -> driverValues(v, items);
                default -> items.add(new Item(line, new Expectations.Field(key), step.expectField(key, v, this)));
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

    /** A number or comparison; with {@code pages}, sizes are converted to 4 KiB pages. */
    public Expected compare(Node n, boolean pages) {
        try {
            return Expectations.parseCompare(tree.string(n), pages);
        } catch (IllegalArgumentException e) {
            throw tree.error(n, e.getMessage());
        }
    }

    /** A list compared entry by entry (move_pages {@code status}, {@code landed} of allocations). */
    public Expectations.ListOf entries(Node v) {
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
        return new Expectations.ListOf(entries);
    }

    private void counters(Node v, Expectations.Scope scope, List<Item> items) {
        MappingNode m = tree.mapping(v);
        for (NodeTuple t : m.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (!COUNTER_KEYS.contains(key)) {
                throw new ConfigException(tree.source(), tree.line(t.getKeyNode()), tree.column(t.getKeyNode()),
                        tree.path(m) + ": unknown counter '" + key + "'" + Suggestions.didYouMean(key, COUNTER_KEYS)
                                + "; the engine counts: " + String.join(", ", VMSTAT_KEYS)
                                + " and migrate_reason.<MR_*>.succeeded|failed");
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

    /** {@code driver: {NID: {pressure|capacity_pages|promotion_requests|<a stat the driver reports>: ...}}}. */
    private void driverValues(Node v, List<Item> items) {
        MappingNode m = tree.mapping(v);
        for (NodeTuple t : m.getValue()) {
            Node nidNode = t.getKeyNode();
            int nid = tree.intValue(nidNode, 0, Integer.MAX_VALUE);
            if (nid >= machine.nodeCount()) {
                throw tree.error(nidNode, "node " + nid + " does not exist on machine " + machine.name() + " (nodes 0-"
                        + (machine.nodeCount() - 1) + ")");
            }
            for (NodeTuple f : tree.mapping(t.getValueNode()).getValue()) {
                Node keyNode = f.getKeyNode();
                String key = ((ScalarNode) keyNode).getValue();
                if (!key.matches("[a-z][a-z0-9_]*")) {
                    throw tree.error(keyNode, "driver value '" + key + "': expected pressure, capacity_pages,"
                            + " promotion_requests or a statistic the driver reports ([a-z][a-z0-9_]*)");
                }
                items.add(new Item(tree.line(keyNode), new Expectations.DriverValue(nid, key),
                        compare(f.getValueNode(), false)));
            }
        }
    }

    private void resident(Node v, List<Item> items) {
        MappingNode m = tree.mapping(v);
        tree.allowKeys(m, RESIDENT_KEYS);
        String task = p.taskRef(tree.require(m, "task"), false);
        Addr addr = p.addr(tree.require(m, "addr"));
        Len length = p.lengthOf(m, addr);
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
        List<String> names = Arrays.stream(Hook.values())
                .map(Hook::kernelName).toList();
        tree.allowKeys(m, names);
        for (NodeTuple t : m.getValue()) {
            String hook = ((ScalarNode) t.getKeyNode()).getValue();
            items.add(new Item(tree.line(t.getKeyNode()), new Expectations.HookCalls(hook), compare(t.getValueNode(), false)));
        }
    }

    private void taskValues(Node v, List<Item> items) {
        MappingNode m = tree.mapping(v);
        for (NodeTuple t : m.getValue()) {
            String task = p.taskRef(t.getKeyNode(), false);
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
            out.add(i.probe().describe() + " " + i.expected().describe());
        }
        return out;
    }
}
