package org.mmproto.core.scenario.step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.scenario.ExpectationParser;
import org.mmproto.core.scenario.Expectations.Expected;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Kernel allocations: {@code count} × alloc_pages(gfp, order) preferring {@code nid} (null =
 * each online node in turn, for_each_online_node) on a CPU {@code cpu}; kept under {@code name}.
 * An expectation may compare {@code landed}, the node (or -errno) of each allocation.
 */
public record AllocPages(Meta meta, String name, int gfp, int order, Integer nid, NodeMask nodemask, int cpu,
                         int count) implements Step {
    public static final StepType TYPE = StepType.of("alloc_pages", AllocPages::parse).defines("name", "allocation");
    private static final Set<String> KEYS = YamlTree.keys("gfp", "order", "nid", "nodemask", "cpu", "count", "name");
    /** Beyond this many allocations the report gives only {@code landed_by_node}. */
    private static final int MAX_LANDED = 4096;

    static AllocPages parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        int gfp = p.gfp(tree.require(m, "gfp"));
        int order = tree.get(m, "order").map(n -> tree.intValue(n, 0, 63)).orElse(0);
        Node nidNode = tree.require(m, "nid");
        Integer nid = tree.string(nidNode).strip().equals("each") ? null : p.nid(nidNode);
        NodeMask nodemask = tree.get(m, "nodemask").map(p::nodeList).orElse(null);
        int cpu = tree.get(m, "cpu").map(p::cpu).orElseGet(p::defaultCpu);
        int count = tree.get(m, "count").map(n -> tree.intValue(n, 1, 1 << 24)).orElse(1);
        String name = p.newGroup(m, meta.line());
        return new AllocPages(meta, name, gfp, order, nid, nodemask, cpu, count);
    }

    @Override
    public Step withMeta(Meta m) {
        return new AllocPages(m, name, gfp, order, nid, nodemask, cpu, count);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Kernel k = run.kernel();
        int localNid = k.cpuToNode(cpu);
        int nodes = k.mem().nodeCount();
        List<Object> landed = new ArrayList<>();
        TreeMap<String, Long> byNode = new TreeMap<>();
        long firstError = 0;
        long ok = 0;
        List<long[]> g = name != null ? run.group(name) : new ArrayList<>();
        for (int c = 0; c < count; c++) {
            for (int i = 0; i < (nid == null ? nodes : 1); i++) {
                int target = nid == null ? i : nid;
                long pfn = k.alloc().allocPages(gfp, order, target, nodemask, localNid);
                if (pfn >= 0) {
                    int on = k.mem().zoneOf(pfn).nid();
                    landed.add((long) on);
                    byNode.merge(Integer.toString(on), 1L, Long::sum);
                    g.add(new long[] {pfn, order});
                    ok++;
                } else {
                    landed.add(pfn);
                    byNode.merge(Expectations.errnoName(-pfn), 1L, Long::sum);
                    if (firstError == 0) {
                        firstError = pfn;
                    }
                }
            }
        }
        StepOutcome o = StepOutcome.raw(firstError);
        if (landed.size() <= MAX_LANDED) {
            o.put("landed", landed);
        }
        o.put("landed_by_node", new LinkedHashMap<>(byNode));
        o.put("allocated", ok);
        String gfpText = Gfp.of(gfp).toString();
        return o.summary((name != null ? name + " += " : "") + "alloc_pages(" + gfpText + ", order " + order
                + ", nid " + (nid == null ? "each" : nid) + (nodemask != null ? ", nodemask " + nodemask : "") + ")"
                + (count > 1 ? " x" + count : "") + ": "
                + (landed.size() <= 16 ? "landed " + Expectations.describeActual(new Expectations.Field("landed"), landed)
                : "by node " + byNode));
    }

    @Override
    public List<String> expectFields() {
        return List.of("landed");
    }

    @Override
    public Expected expectField(String key, Node v, ExpectationParser p) {
        return p.entries(v);
    }
}
