package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.at;
import static org.mmproto.core.scenario.RunContext.call;

import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.MmOps;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** {@code collapse: {task, addr, length}}: madvise(addr, length, MADV_COLLAPSE). */
public record Collapse(Meta meta, String task, Addr addr, Len length) implements Step {
    public static final StepType TYPE = StepType.of("collapse", Collapse::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "addr", "length");

    static Collapse parse(ParseContext p, Meta meta, Node opKey, Node value) {
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Addr addr = p.addr(p.tree().require(m, "addr"));
        return new Collapse(meta, p.task(m), addr, p.lengthOf(m, addr));
    }

    @Override
    public Step withMeta(Meta m) {
        return new Collapse(m, task, addr, length);
    }

    @Override
    public StepOutcome run(RunContext run) {
        long a = run.resolve(addr);
        StepOutcome o = StepOutcome.raw(run.ops().madvise(run.task(task), a, length.value(), MmOps.MADV_COLLAPSE));
        return o.summary(call("madvise", o, at(addr, a), length, "MADV_COLLAPSE"));
    }
}
