package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.at;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mmproto.api.Gfp;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.ExpectationParser;
import org.mmproto.core.scenario.Expectations.Expected;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.Task;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A touch of [addr, addr+length) with one allocation armed to run inside the allocator while
 * it serves the fault from a private node (a debug option's metadata allocation, or an
 * interrupt arriving mid-allocation): gfp/order of the nested allocation, which is kept under
 * {@code name} (design-matrix case 13). An expectation may compare {@code landed}.
 */
public record NestedAlloc(Meta meta, String task, Addr addr, Len length, boolean write, int gfp, int order,
                          String name) implements Step {
    public static final StepType TYPE = StepType.of("nested_alloc", NestedAlloc::parse).defines("name", "allocation");
    private static final Set<String> KEYS = YamlTree.keys("task", "addr", "length", "write", "gfp", "order", "name");

    static NestedAlloc parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Addr addr = p.addr(tree.require(m, "addr"));
        boolean write = tree.get(m, "write").map(tree::bool).orElse(true);
        int gfp = p.gfp(tree.require(m, "gfp"));
        int order = tree.get(m, "order").map(n -> tree.intValue(n, 0, 10)).orElse(0);
        String name = p.newGroup(m, meta.line());
        return new NestedAlloc(meta, p.task(m), addr, p.lengthOf(m, addr), write, gfp, order, name);
    }

    @Override
    public Step withMeta(Meta m) {
        return new NestedAlloc(m, task, addr, length, write, gfp, order, name);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Kernel k = run.kernel();
        Task t = run.task(task);
        long a = run.resolve(addr);
        long[] nested = {Long.MIN_VALUE, -1};
        k.alloc().armNested(new PageAllocator.NestedAlloc() {
            @Override
            public int gfp() {
                return gfp;
            }

            @Override
            public int order() {
                return order;
            }

            @Override
            public void done(long pfnOrErrno, int outerNid) {
                nested[0] = pfnOrErrno;
                nested[1] = outerNid;
            }
        });
        int r;
        try {
            r = run.ops().touch(t, a, length.value(), write);
        } finally {
            k.alloc().armNested(null);
        }
        StepOutcome o = StepOutcome.raw(r);
        List<Object> landed = new ArrayList<>();
        String what;
        if (nested[0] == Long.MIN_VALUE) {
            what = "never fired (no allocation took pages of a private node)";
        } else if (nested[0] < 0) {
            landed.add(nested[0]);
            what = "failed with " + Expectations.resultName(nested[0]);
        } else {
            int on = k.mem().zoneOf(nested[0]).nid();
            landed.add((long) on);
            what = "landed on node " + on;
            if (name != null) {
                run.group(name).add(new long[] {nested[0], order});
            }
        }
        o.put("landed", landed);
        return o.summary((write ? "write " : "read ") + at(addr, a) + " .. +" + length
                + (r == 0 ? "" : " = -" + Expectations.resultName(r)) + "; nested alloc_pages("
                + Gfp.of(gfp) + ", order " + order + ")"
                + (nested[1] >= 0 ? " inside the allocation on node " + nested[1] : "") + " " + what);
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
